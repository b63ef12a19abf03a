"""The evaluation panel (考評小組, OVS-1): members with their conflicts, assignments to
schools, visits with e-mail, findings per item, ratings on the panel's scale,
recommendations and the school's answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Plan
from portal.accounts.enums import Role
from portal.accounts.models import RoleGrant
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify

from ..enums import VisitStatus
from ..models import (
    Assignment,
    Finding,
    Panel,
    PanelMember,
    RatingLevel,
    Recommendation,
    Visit,
)
from .common import AssessmentError, school_staff

DEFAULT_LEVELS = ["優", "甲", "乙", "丙"]


def _manager(by) -> None:
    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can manage the evaluation panel."))


def panel_create(*, academic_year: int, name: str, levels: list[str], by) -> Panel:
    """Form the panel of a year with its rating scale (levels, best first)."""
    _manager(by)
    levels = [level.strip() for level in levels if level.strip()] or DEFAULT_LEVELS
    if len(set(levels)) != len(levels):
        raise ValidationError({"levels": _("Each level of the scale must be different.")})
    try:
        with transaction.atomic():
            panel = Panel.objects.create(academic_year=academic_year, name=name, created_by=by)
            RatingLevel.objects.bulk_create(
                RatingLevel(panel=panel, order=i, label=label) for i, label in enumerate(levels, 1)
            )
            audit_record(
                actor=by,
                action="assessment.panel_create",
                target=panel,
                after={"academic_year": academic_year, "name": name, "levels": levels},
            )
    except IntegrityError as exc:
        raise AssessmentError(
            _("Academic year %(year)s already has a panel.") % {"year": academic_year}
        ) from exc
    return panel


def member_add(*, panel: Panel, user, by) -> PanelMember:
    """Only users holding the panel role (考評小組委員) can sit on the panel."""
    _manager(by)
    if not user.has_role(Role.PANEL):
        raise AssessmentError(
            _("%(name)s does not hold the evaluation panel role.") % {"name": user.display_name}
        )
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(panel=panel, user=user, added_by=by)
            audit_record(
                actor=by,
                action="assessment.member_add",
                target=panel,
                after={"user": user.pk},
            )
    except IntegrityError as exc:
        raise AssessmentError(
            _("%(name)s is already on the panel.") % {"name": user.display_name}
        ) from exc
    return member


def member_conflicts_set(*, member: PanelMember, schools, note: str, by) -> PanelMember:
    """Record the schools a member declared a conflict of interest with; an assignment to
    one of them is refused (and an existing one is taken off)."""
    if not (by.has_perm("assessment.manage") or by.pk == member.user_id):
        raise AssessmentError(_("Only ministry staff or the member can declare conflicts."))
    schools = list(schools)
    with transaction.atomic():
        before = sorted(member.conflicts.values_list("pk", flat=True))
        member.conflicts.set(schools)
        member.conflict_note = note
        member.save(update_fields=["conflict_note"])
        removed = member.assignments.filter(school__in=schools)
        dropped = list(removed.values_list("school_id", flat=True))
        removed.filter(findings__isnull=True, recommendations__isnull=True).delete()
        audit_record(
            actor=by,
            action="assessment.member_conflicts",
            target=member.panel,
            before={"member": member.pk, "schools": before},
            after={"member": member.pk, "schools": [s.pk for s in schools], "dropped": dropped},
            note=note,
        )
    return member


def conflict_reason(member: PanelMember, school) -> str | None:
    """Why ``member`` may not evaluate ``school`` (OVS-1), or None."""
    belongs = (
        RoleGrant.objects.filter(user_id=member.user_id, revoked_at__isnull=True)
        .filter(Q(school=school) | Q(affiliated_school=school))
        .exists()
    )
    if belongs:
        return _("%(name)s belongs to %(school)s and cannot evaluate it.") % {
            "name": member.user.display_name,
            "school": school.name,
        }
    if member.conflicts.filter(pk=school.pk).exists():
        return _("%(name)s declared a conflict of interest with %(school)s.") % {
            "name": member.user.display_name,
            "school": school.name,
        }
    return None


def assignment_add(*, panel: Panel, member: PanelMember, plan: Plan, by) -> Assignment:
    """Assign a member to a school's year — never a school they belong to or declared a
    conflict with (OVS-1)."""
    _manager(by)
    if member.panel_id != panel.pk:
        raise AssessmentError(_("That member is not on this panel."))
    if not plan.years.filter(academic_year=panel.academic_year).exists():
        raise AssessmentError(
            _("%(school)s has no supported year %(year)s.")
            % {"school": plan.school.name, "year": panel.academic_year}
        )
    reason = conflict_reason(member, plan.school)
    if reason:
        raise AssessmentError(reason)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                panel=panel, member=member, plan=plan, school=plan.school, assigned_by=by
            )
            audit_record(
                actor=by,
                action="assessment.assign",
                target=panel,
                school=plan.school,
                after={"member": member.pk, "plan": plan.pk},
            )
    except IntegrityError as exc:
        raise AssessmentError(_("The member is already assigned to this school.")) from exc
    return assignment


def visit_schedule(*, panel: Panel, plan: Plan, starts_at, place: str, by) -> Visit:
    """Schedule the panel's visit; the school and the assigned members are told by e-mail."""
    _manager(by)
    if starts_at is None:
        raise ValidationError({"starts_at": _("Enter when the visit starts.")})
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update()
            .filter(panel=panel, school=plan.school)
            .exclude(status=VisitStatus.CANCELLED)
            .first()
        )
        if visit and visit.status == VisitStatus.DONE:
            raise AssessmentError(_("The visit has already taken place."))
        before = snapshot(visit, ["starts_at", "place"]) if visit else None
        if visit is None:
            visit = Visit(panel=panel, plan=plan, school=plan.school, scheduled_by=by)
        visit.starts_at = starts_at
        visit.place = place
        visit.save()
        audit_record(
            actor=by,
            action="assessment.visit_schedule",
            target=visit,
            school=plan.school,
            before=before,
            after=snapshot(visit, ["starts_at", "place"]),
        )
        members = [
            a.member.user
            for a in panel.assignments.filter(school=plan.school).select_related("member__user")
        ]
        notify(
            users=school_staff(plan.school) + members,
            subject=gettext_lazy("The evaluation panel's visit"),
            template="assessment/email/visit.txt",
            context={"visit": visit, "url": reverse("assessment:home")},
        )
    return visit


def _visit_people(visit: Visit) -> list:
    """The school's staff and the members assigned to the school: who hears of the visit."""
    members = [
        a.member.user
        for a in visit.panel.assignments.filter(school=visit.school).select_related("member__user")
    ]
    return school_staff(visit.school) + members


def _scheduled_visit(visit: Visit) -> Visit:
    """The visit, locked, as long as it is still only scheduled."""
    visit = Visit.objects.select_for_update().select_related("panel", "school").get(pk=visit.pk)
    if visit.status == VisitStatus.CANCELLED:
        raise AssessmentError(_("The visit was cancelled."))
    if visit.status == VisitStatus.DONE:
        raise AssessmentError(_("The visit has already taken place."))
    return visit


def visit_reschedule(*, visit: Visit, starts_at, place: str, by) -> Visit:
    """Move a scheduled visit to another time or place (OVS-1); the school and the assigned
    members are told by e-mail, as when it was scheduled; audited."""
    _manager(by)
    if starts_at is None:
        raise ValidationError({"starts_at": _("Enter when the visit starts.")})
    with transaction.atomic():
        visit = _scheduled_visit(visit)
        before = snapshot(visit, ["starts_at", "place"])
        visit.starts_at = starts_at
        visit.place = place.strip()
        if snapshot(visit, ["starts_at", "place"]) == before:
            raise AssessmentError(_("The visit already takes place then and there."))
        visit.save(update_fields=["starts_at", "place"])
        audit_record(
            actor=by,
            action="assessment.visit_reschedule",
            target=visit,
            school=visit.school,
            before=before,
            after=snapshot(visit, ["starts_at", "place"]),
        )
        notify(
            users=_visit_people(visit),
            subject=gettext_lazy("The evaluation panel's visit was moved"),
            template="assessment/email/visit.txt",
            context={"visit": visit, "moved": True, "url": reverse("assessment:home")},
        )
    return visit


def visit_cancel(*, visit: Visit, reason: str, by) -> Visit:
    """Cancel a scheduled visit, saying why (OVS-1): kept for the record with its reason,
    it no longer counts — the outcome waits for a visit that took place, and the school may
    be visited again. The school and the assigned members are told by e-mail; audited."""
    _manager(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the visit is cancelled.")})
    with transaction.atomic():
        visit = _scheduled_visit(visit)
        before = snapshot(visit, ["status", "starts_at", "place"])
        visit.status = VisitStatus.CANCELLED
        visit.cancel_reason = reason.strip()
        visit.cancelled_by = by
        visit.cancelled_at = timezone.now()
        visit.save(update_fields=["status", "cancel_reason", "cancelled_by", "cancelled_at"])
        audit_record(
            actor=by,
            action="assessment.visit_cancel",
            target=visit,
            school=visit.school,
            before=before,
            after=snapshot(visit, ["status", "cancel_reason"]),
            note=visit.cancel_reason,
        )
        notify(
            users=_visit_people(visit),
            subject=gettext_lazy("The evaluation panel's visit was cancelled"),
            template="assessment/email/visit_cancelled.txt",
            context={"visit": visit, "url": reverse("assessment:home")},
        )
    return visit


def visit_record(
    *, visit: Visit, minutes: str, school_attendees: str, members_present, by
) -> Visit:
    """The visit's minutes and attendance (a member assigned to the school, or the ministry)."""
    if not by.has_perm("assessment.record_visit", visit):
        raise AssessmentError(_("Only the panel members of this visit can record it."))
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes of the visit.")})
    members_present = list(members_present)
    if any(m.panel_id != visit.panel_id for m in members_present):
        raise AssessmentError(_("Only members of the panel can be present."))
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.status == VisitStatus.CANCELLED:
            raise AssessmentError(_("The visit was cancelled."))
        if timezone.now() < visit.starts_at:
            raise AssessmentError(_("The visit has not taken place yet."))
        # A correction keeps what was recorded before in the audit trail.
        before = {
            **snapshot(visit, ["minutes", "school_attendees", "status"]),
            "members_present": sorted(visit.members_present.values_list("pk", flat=True)),
        }
        visit.minutes = minutes.strip()
        visit.school_attendees = school_attendees.strip()
        visit.status = VisitStatus.DONE
        visit.recorded_by = by
        visit.recorded_at = timezone.now()
        visit.save(
            update_fields=["minutes", "school_attendees", "status", "recorded_by", "recorded_at"]
        )
        visit.members_present.set(members_present)
        audit_record(
            actor=by,
            action="assessment.visit_record",
            target=visit,
            school=visit.school,
            before=before,
            after={
                **snapshot(visit, ["minutes", "school_attendees", "status"]),
                "members_present": sorted(m.pk for m in members_present),
            },
        )
    return visit


def evaluation_refusal(assignment: Assignment) -> str | None:
    """Why the assigned member can no longer evaluate: a conflict declared with the school
    (OVS-1), or the year's outcome already decided (it rests on what was recorded)."""
    from ..models import Outcome

    reason = conflict_reason(assignment.member, assignment.school)
    if reason:
        return reason
    if Outcome.objects.filter(
        school_id=assignment.school_id, academic_year=assignment.panel.academic_year
    ).exists():
        return _("The outcome of this year is decided: the panel's evaluation is closed.")
    return None


def _own(assignment: Assignment, by) -> None:
    if not by.has_perm("assessment.evaluate", assignment):
        raise AssessmentError(_("Only the member assigned to this school can evaluate it."))
    reason = evaluation_refusal(assignment)
    if reason:
        raise AssessmentError(reason)


def finding_save(*, assignment: Assignment, item: int, text: str, by) -> Finding:
    _own(assignment, by)
    if not 1 <= int(item) <= 9:
        raise ValidationError({"item": _("Choose one of the nine items.")})
    with transaction.atomic():
        finding, _created = Finding.objects.select_for_update().get_or_create(
            assignment=assignment, item=item, defaults={"text": text}
        )
        finding.text = text
        finding.revision += 1
        finding.updated_by = by
        finding.save()
    return finding


def rating_save(*, assignment: Assignment, rating: RatingLevel, opinion: str, by) -> Assignment:
    """A member's rating on the panel's scale and overall opinion: the ministry's to read;
    the school sees only the consolidated opinion of the outcome."""
    _own(assignment, by)
    if rating.panel_id != assignment.panel_id:
        raise ValidationError({"rating": _("Choose a level of this panel's scale.")})
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        before = snapshot(assignment, ["rating", "opinion"])
        assignment.rating = rating
        assignment.opinion = opinion.strip()
        assignment.rated_at = timezone.now()
        assignment.revision += 1
        assignment.save(update_fields=["rating", "opinion", "rated_at", "revision"])
        audit_record(
            actor=by,
            action="assessment.rating",
            target=assignment.panel,
            school=assignment.school,
            before=before,
            after=snapshot(assignment, ["rating", "opinion"]),
        )
    return assignment


def recommendation_add(*, assignment: Assignment, item, text: str, by) -> Recommendation:
    _own(assignment, by)
    if not text.strip():
        raise ValidationError({"text": _("Write the recommendation.")})
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            assignment=assignment,
            school=assignment.school,
            academic_year=assignment.panel.academic_year,
            item=item or None,
            text=text.strip(),
        )
        audit_record(
            actor=by,
            action="assessment.recommendation",
            target=recommendation,
            school=assignment.school,
            after={"item": item, "text": recommendation.text},
        )
    return recommendation


def recommendation_answer(*, recommendation: Recommendation, answer: str, by) -> Recommendation:
    """The school says what it did about a recommendation; a changed answer is audited."""
    if not by.has_perm("assessment.answer_recommendation", recommendation):
        raise AssessmentError(_("Only the school's staff can answer a recommendation."))
    if not answer.strip():
        raise ValidationError({"answer": _("Say what the school did.")})
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        before = snapshot(recommendation, ["answer"])
        recommendation.answer = answer.strip()
        recommendation.answered_by = by
        recommendation.answered_at = timezone.now()
        recommendation.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            actor=by,
            action="assessment.recommendation_answer",
            target=recommendation,
            school=recommendation.school,
            before=before,
            after=snapshot(recommendation, ["answer"]),
        )
    return recommendation
