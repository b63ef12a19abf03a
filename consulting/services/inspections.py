"""Inspections (SUP-1): inspectors of the competent authority supervise the supported schools
of their county or city, record problems and escalate them to the ministry; a problem goes
open → school responded → resolved, every step recorded."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import Role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar

from ..enums import PROBLEM_TRANSITIONS, ProblemEventKind, ProblemStatus
from ..models import Inspection, InspectionProblem, ProblemEvent
from ..supported import is_supported
from .common import ConsultingError, ministry_staff, others, school_staff


def _inspects(by, school) -> bool:
    return school.county_id in by.county_ids()


def inspection_record(*, school, visited_on, checked: str, assessment: str, problems, by):
    """An inspector of the school's county records a supervision visit (SUP-1)."""
    if not _inspects(by, school):
        raise ConsultingError(
            _("Only an inspector of %(county)s can record a visit to this school.")
            % {"county": school.county.name}
        )
    if visited_on > calendar.taipei_today():
        raise ConsultingError(_("A visit is recorded once it has taken place."))
    year = calendar.AcademicYear.of(visited_on).roc
    if not is_supported(school, year):
        raise ConsultingError(
            _("%(school)s has no approved plan in force in academic year %(year)s.")
            % {"school": school.name, "year": year}
        )
    if not checked.strip():
        raise ConsultingError(_("Say what was checked."))
    problems = [p.strip() for p in problems if p and p.strip()]
    with transaction.atomic():
        inspection = Inspection.objects.create(
            school=school,
            inspector=by,
            visited_on=visited_on,
            checked=checked.strip(),
            assessment=assessment.strip(),
        )
        audit_record(
            actor=by,
            action="consulting.inspection.record",
            target=inspection,
            school=school,
            after={**snapshot(inspection, ["visited_on", "checked"]), "problems": len(problems)},
        )
        for description in problems:
            _problem_create(inspection, description, by)
    return inspection


def _problem_create(inspection, description, by) -> InspectionProblem:
    problem = InspectionProblem.objects.create(
        inspection=inspection, school=inspection.school, description=description
    )
    ProblemEvent.objects.create(
        problem=problem,
        kind=ProblemEventKind.RECORDED,
        from_status=ProblemStatus.OPEN,
        to_status=ProblemStatus.OPEN,
        note=description,
        actor=by,
    )
    audit_record(
        actor=by,
        action="consulting.problem.record",
        target=problem,
        school=inspection.school,
        after=snapshot(problem, ["description", "status"]),
    )
    notify(
        users=others(school_staff(inspection.school), by),
        subject=_("The inspector recorded a problem at %(school)s")
        % {"school": inspection.school.name},
        template="consulting/email/problem.txt",
        context={"problem": problem, "url": problem.get_absolute_url()},
    )
    return problem


def problem_add(*, inspection: Inspection, description: str, by) -> InspectionProblem:
    if inspection.inspector_id != by.pk and not _inspects(by, inspection.school):
        raise ConsultingError(_("Only an inspector of this school's county can add a problem."))
    if not description.strip():
        raise ConsultingError(_("Describe the problem."))
    with transaction.atomic():
        return _problem_create(inspection, description.strip(), by)


def _step(problem, *, kind, to, note, by, action, users, subject):
    """Move a problem and record the step, in one place (SUP-1)."""
    from_status = problem.status
    same = kind == ProblemEventKind.ESCALATED and to == from_status
    if not same and to not in PROBLEM_TRANSITIONS[ProblemStatus(from_status)]:
        raise ConsultingError(
            _("A problem that is %(status)s cannot become %(to)s.")
            % {"status": problem.get_status_display(), "to": ProblemStatus(to).label}
        )
    before = snapshot(problem, ["status", "escalated_at", "school_response"])
    problem.status = to
    problem.save(update_fields=["status", "escalated_at", "school_response", "updated_at"])
    ProblemEvent.objects.create(
        problem=problem, kind=kind, from_status=from_status, to_status=to, note=note, actor=by
    )
    audit_record(
        actor=by,
        action=action,
        target=problem,
        school=problem.school,
        before=before,
        after=snapshot(problem, ["status", "escalated_at", "school_response"]),
        note=note,
    )
    notify(
        users=others(users, by),
        subject=subject % {"school": problem.school.name},
        template="consulting/email/problem.txt",
        context={"problem": problem, "url": problem.get_absolute_url()},
    )
    return problem


def _lock(problem) -> InspectionProblem:
    return (
        InspectionProblem.objects.select_for_update(of=("self",))
        .select_related("school__county", "inspection")
        .get(pk=problem.pk)
    )


def problem_escalate(*, problem: InspectionProblem, note: str, by) -> InspectionProblem:
    """An inspector escalates a problem to the ministry (SUP-1)."""
    with transaction.atomic():
        problem = _lock(problem)
        if not _inspects(by, problem.school):
            raise ConsultingError(_("Only an inspector of this school's county can escalate it."))
        if problem.status == ProblemStatus.RESOLVED:
            raise ConsultingError(_("A resolved problem is not escalated."))
        if problem.escalated_at:
            raise ConsultingError(_("This problem was already escalated to the ministry."))
        if not note.strip():
            raise ConsultingError(_("Say why the ministry should act."))
        problem.escalated_at = timezone.now()
        return _step(
            problem,
            kind=ProblemEventKind.ESCALATED,
            to=problem.status,
            note=note.strip(),
            by=by,
            action="consulting.problem.escalate",
            users=ministry_staff() + school_staff(problem.school, Role.COORDINATOR),
            subject=_("A problem at %(school)s was escalated to the ministry"),
        )


def problem_respond(*, problem: InspectionProblem, text: str, by) -> InspectionProblem:
    """The school responds with what it did; the problem waits for the inspector (SUP-1)."""
    with transaction.atomic():
        problem = _lock(problem)
        if problem.school_id not in by.school_ids():
            raise ConsultingError(_("Only the staff of this school can respond."))
        if not text.strip():
            raise ConsultingError(_("Say what the school did about the problem."))
        problem.school_response = text.strip()
        inspector = problem.inspection.inspector
        return _step(
            problem,
            kind=ProblemEventKind.RESPONDED,
            to=ProblemStatus.RESPONDED,
            note=text.strip(),
            by=by,
            action="consulting.problem.respond",
            users=[inspector] + (ministry_staff() if problem.escalated_at else []),
            subject=_("%(school)s responded to a problem"),
        )


def _may_close(by, problem) -> bool:
    return _inspects(by, problem.school) or (
        problem.escalated_at is not None and by.has_role(Role.MINISTRY)
    )


def problem_resolve(*, problem: InspectionProblem, note: str, by) -> InspectionProblem:
    """The inspector (or, once escalated, ministry staff) marks it resolved (SUP-1)."""
    with transaction.atomic():
        problem = _lock(problem)
        if not _may_close(by, problem):
            raise ConsultingError(
                _("Only the school's inspector, or ministry staff once escalated, can do this.")
            )
        return _step(
            problem,
            kind=ProblemEventKind.RESOLVED,
            to=ProblemStatus.RESOLVED,
            note=note.strip(),
            by=by,
            action="consulting.problem.resolve",
            users=school_staff(problem.school, Role.COORDINATOR),
            subject=_("A problem at %(school)s is resolved"),
        )


def problem_reopen(*, problem: InspectionProblem, note: str, by) -> InspectionProblem:
    """The school's response is not enough: the problem is open again."""
    with transaction.atomic():
        problem = _lock(problem)
        if not _may_close(by, problem):
            raise ConsultingError(
                _("Only the school's inspector, or ministry staff once escalated, can do this.")
            )
        if not note.strip():
            raise ConsultingError(_("Say what is still missing."))
        return _step(
            problem,
            kind=ProblemEventKind.REOPENED,
            to=ProblemStatus.OPEN,
            note=note.strip(),
            by=by,
            action="consulting.problem.reopen",
            users=school_staff(problem.school, Role.COORDINATOR),
            subject=_("A problem at %(school)s needs more work"),
        )
