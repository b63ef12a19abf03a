"""Writes about plans: starting, editing, the submission workflow, years and briefings.

Every status change goes through ``plan_transition``: it checks the move is
allowed, saves with ``update_fields``, records a ``PlanEvent`` and an audit row
in the same transaction, and e-mails whoever must act next after the commit.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import uploads
from portal.accounts.enums import SCHOOL_ROLES, Role
from portal.accounts.models import User
from portal.accounts.selectors import users_with_role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar
from portal.programme.models import ApplicationWindow, Phase
from portal.programme.selectors import application_year
from portal.schools.selectors import school_eligibility

from .budget import EditConflict, RevisionMissing
from .enums import EDITABLE, TRANSITIONS, PlanKind, PlanStatus, SectionKey, YearStatus
from .hooks import previous_results
from .models import (
    BriefingRegistration,
    BriefingSession,
    DesignatedTeacher,
    Plan,
    PlanAttachment,
    PlanEvent,
    PlanSection,
    PlanVersion,
    PlanYear,
    SubPlan,
)
from .sections import SECTION_FORMS, basic_data_from_school

__all__ = ["EditConflict", "PlanError"]

#: NOTE-2: the most periods a week a public school's designated teacher may be relieved of.
PUBLIC_SCHOOL_MAX_REDUCTION = 4

SUBPLAN_FIELDS = [
    "item",
    "is_exchange",
    "title",
    "goals",
    "strategies",
    "schedule",
    "expected_quantitative",
    "expected_qualitative",
    "owner",
]


class PlanError(Exception):
    """A request the rules refuse; the message says why, in the user's language.

    ``kind`` tells a page what to do with the refusal of an action it might offer:
    ``"who"`` (not this person's action) and ``"status"`` (not at this stage) hide it;
    ``"rule"`` (the person's action at this stage, held back by a rule) shows the reason.
    """

    def __init__(self, message, missing=None, kind="rule"):
        super().__init__(message)
        self.missing = missing or []
        self.kind = kind


# --- What may be done now: "the reason it cannot, or None" ------------------------------
# Each action's refusal is computed in one place. The service raises it (on the plan
# locked in its transaction); the plan's pages use it to show the button or say why not.


def _who(message) -> PlanError:
    return PlanError(message, kind="who")


def _stage(message) -> PlanError:
    return PlanError(message, kind="status")


def plan_start_refusal(school, by) -> PlanError | None:
    """Why ``by`` cannot start the school's plan now (ELIG-1, SCHED-1, SCHED-4, RES-1, and
    the start checks other apps register), or None."""
    if not by.has_perm("applications.start_plan", school):
        return _who(_("Only a coordinator of this school can start its plan."))
    eligibility = school_eligibility(school)
    if not eligibility.eligible:
        if not eligibility.has_evaluation:
            return PlanError(
                _("The school has no evaluation on record, so it cannot apply (參、辦理對象).")
            )
        short = "、".join(f"{line.number}. {line.name}" for line in eligibility.short_items)
        return PlanError(
            _(
                "The school cannot apply: these items of its latest evaluation are under 80: "
                "%(items)s (參、辦理對象)."
            )
            % {"items": short}
        )
    phase = open_phase()
    if phase is None:
        return PlanError(_("No phase is open for new plans at the moment."))
    if Plan.objects.filter(school=school, phase=phase).exists():
        return _stage(_("The school already has a plan for %(phase)s.") % {"phase": phase.name})
    if message := start_refusal(school, previous_plan(school, phase)):
        return PlanError(message)
    return None


def _wrong_stage(plan: Plan, to: str) -> PlanError:
    return _stage(
        _("A plan that is %(status)s cannot become %(to)s.")
        % {"status": plan.get_status_display(), "to": PlanStatus(to).label}
    )


def send_to_principal_refusal(plan: Plan, by, checklist=None) -> PlanError | None:
    """Why the plan cannot go to the principal now, or None (a complete plan, APP-2 …)."""
    from .selectors import plan_checklist

    if not by.has_perm("applications.send_to_principal", plan):
        return _who(_("Only a coordinator of this school can send the plan to the principal."))
    if plan.status not in EDITABLE:
        return _wrong_stage(plan, PlanStatus.AWAITING_PRINCIPAL)
    checks = plan_checklist(plan) if checklist is None else checklist
    missing = [c for c in checks if not c.ok]
    if missing:
        return PlanError(_("The plan is not complete yet."), missing=missing)
    return None


def _simple_refusal(plan: Plan, by, perm: str, status, *, who, stage) -> PlanError | None:
    """Why ``by`` cannot take an action that needs ``perm`` on a plan in ``status``, or None."""
    if not by.has_perm(perm, plan):
        return _who(who)
    if plan.status != status:
        return _stage(stage)
    return None


def recall_refusal(plan: Plan, by) -> PlanError | None:
    return _simple_refusal(
        plan,
        by,
        "applications.send_to_principal",
        PlanStatus.AWAITING_PRINCIPAL,
        who=_("Only a coordinator of this school can recall the plan."),
        stage=_("Only a plan awaiting the principal can be recalled."),
    )


def window_refusal(plan: Plan, at=None) -> PlanError | None:
    """APP-3: why the plan cannot be submitted at ``at`` (outside its window), or None."""
    if window_allows_submission(plan, at):
        return None
    window = ApplicationWindow.objects.filter(academic_year=plan.application_year).first()
    if window:
        return PlanError(
            _(
                "Plans for academic year %(year)s can be submitted from %(opens)s to "
                "%(closes)s (Taiwan time); the window is not open now (柒-二-(一)-3)."
            )
            % {
                "year": plan.application_year,
                "opens": calendar.format_date(window.opens_on),
                "closes": calendar.format_date(window.closes_on),
            }
        )
    return PlanError(
        _("No application window is set for academic year %(year)s (柒-二-(一)-3).")
        % {"year": plan.application_year}
    )


def approve_refusal(plan: Plan, by, at=None, checklist=None) -> PlanError | None:
    """Why the principal cannot submit the plan now: the window (APP-3), a check of the
    list (ITEM-2, ITEM-3, APP-2 … APP-6, BUD-1 … BUD-5), or None."""
    from .selectors import plan_checklist

    if not by.has_perm("applications.principal_decide", plan):
        return _who(_("Only the principal of this school can approve the plan."))
    if plan.status != PlanStatus.AWAITING_PRINCIPAL:
        return _stage(_("Only a plan awaiting the principal can be approved."))
    if refused := window_refusal(plan, at):
        return refused
    checks = plan_checklist(plan) if checklist is None else checklist
    missing = [c for c in checks if not c.ok]
    if missing:
        return PlanError(
            _("The plan cannot be submitted: %(missing)s")
            % {"missing": "；".join(str(c.label) for c in missing)},
            missing=missing,
        )
    return None


def send_back_refusal(plan: Plan, by) -> PlanError | None:
    return _simple_refusal(
        plan,
        by,
        "applications.principal_decide",
        PlanStatus.AWAITING_PRINCIPAL,
        who=_("Only the principal of this school can send the plan back."),
        stage=_("Only a plan awaiting the principal can be sent back."),
    )


def withdraw_refusal(plan: Plan, by) -> PlanError | None:
    return _simple_refusal(
        plan,
        by,
        "applications.withdraw_plan",
        PlanStatus.SUBMITTED,
        who=_("Only the school's coordinator or principal can withdraw the plan."),
        stage=_("A plan can be withdrawn only after submission and before review."),
    )


def reopen_refusal(plan: Plan, by) -> PlanError | None:
    return _simple_refusal(
        plan,
        by,
        "applications.send_to_principal",
        PlanStatus.WITHDRAWN,
        who=_("Only a coordinator of this school can reopen the plan."),
        stage=_("Only a withdrawn plan can be reopened."),
    )


def return_refusal(plan: Plan, by) -> PlanError | None:
    return _simple_refusal(
        plan,
        by,
        "applications.return_plan",
        PlanStatus.SUBMITTED,
        who=_("Only ministry staff can return a plan."),
        stage=_("Only a submitted plan can be returned."),
    )


def review_start_refusal(plan: Plan, by) -> PlanError | None:
    return _simple_refusal(
        plan,
        by,
        "applications.review_plan",
        PlanStatus.SUBMITTED,
        who=_("Only ministry staff can take a plan to review."),
        stage=_("Only a submitted plan can go to review."),
    )


def budget_revision_refusal(plan: Plan, by) -> PlanError | None:
    """BUD-5: why the principal cannot submit the revised budget now, or None."""
    from .budget import budget_problems

    if not by.has_perm("applications.principal_decide", plan):
        return _who(_("Only the principal of this school can submit the revised budget."))
    if plan.status != PlanStatus.APPROVED or not plan.budget_revision_due:
        return _stage(_("No budget revision is due for this plan."))
    problems = budget_problems(plan)
    if problems:
        return PlanError(
            _("The revised budget does not fit yet: %(problems)s")
            % {"problems": "；".join(problems)}
        )
    return None


def continue_refusal(plan: Plan, by) -> PlanError | None:
    """SCHED-3: why the continuation for the next year cannot start now, or None."""
    if not by.has_perm("applications.start_plan", plan.school):
        return _who(_("Only a coordinator of this school can continue its plan."))
    if plan.status != PlanStatus.APPROVED:
        return _stage(_("Only an approved plan can be continued."))
    next_year = plan.application_year + 1
    if next_year > plan.phase.end_year:
        return _stage(_("The phase has no year left to continue into."))
    if plan.budget_revision_due:
        return PlanError(_("Submit the budget revised to the approved amounts first."))
    year = plan.years.filter(academic_year=plan.application_year).first()
    if year is None or year.status != YearStatus.PASSED:
        return PlanError(
            _(
                "Academic year %(year)s has not passed its performance assessment, so the "
                "plan cannot continue (肆、辦理期程)."
            )
            % {"year": plan.application_year}
        )
    return None


# --- Starting a plan ------------------------------------------------------------------


def open_phase() -> Phase | None:
    """The phase that new plans are written for now: the one starting in the academic year
    plans are being filed for (APP-3)."""
    return Phase.objects.filter(start_year=application_year()).first()


def previous_plan(school, phase: Phase) -> Plan | None:
    return (
        Plan.objects.filter(school=school, phase__end_year__lt=phase.start_year)
        .select_related("phase")
        .order_by("-phase__start_year")
        .first()
    )


#: Checks apps above register: ``check(school, earlier_plan)`` returns why the school may not
#: start its plan for the open phase (a message for the school), or None (SCHED-4, RES-1: a
#: follow-up plan depends on the previous phase's outcomes).
_START_CHECKS: list = []


def register_start_check(check) -> None:
    if check not in _START_CHECKS:
        _START_CHECKS.append(check)


def start_refusal(school, earlier: Plan | None) -> str | None:
    for check in _START_CHECKS:
        message = check(school, earlier)
        if message:
            return message
    return None


def plan_start(*, school, by) -> Plan:
    """Start the school's plan for the open phase (ELIG-1, SCHED-1, SCHED-4, RES-1).

    Only a coordinator of the school, only when the school's latest evaluation has
    every item at 80 or more, and only one plan per school and phase. A school
    supported in an earlier phase writes a follow-up plan (後續計畫), which must
    report that phase's results (APP-4).
    """
    if refused := plan_start_refusal(school, by):
        raise refused
    phase = open_phase()
    earlier = previous_plan(school, phase)
    # Supported in an earlier phase (any year approved): a follow-up plan, which reports
    # that phase's results (APP-4), whatever became of its last continuation.
    kind = PlanKind.FOLLOW_UP if earlier and earlier.years.exists() else PlanKind.NEW
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                school=school,
                phase=phase,
                kind=kind,
                application_year=phase.start_year,
                created_by=by,
            )
            with translation.override("zh-hant"):
                basic = basic_data_from_school(school)
            # APP-4: a follow-up plan's results section starts from what the apps above hold
            # of the previous phase (the assessment's whole-term report).
            previous = previous_results(plan) if kind == PlanKind.FOLLOW_UP else None
            started = {
                SectionKey.BASIC_DATA: basic,
                SectionKey.PREVIOUS_RESULTS: previous.prefill if previous else {},
            }
            PlanSection.objects.bulk_create(
                PlanSection(plan=plan, key=key, data=started.get(key, {})) for key in SECTION_FORMS
            )
            PlanEvent.objects.create(
                plan=plan, to_status=PlanStatus.DRAFT, academic_year=plan.application_year, actor=by
            )
            audit_record(
                actor=by,
                action="plan.start",
                target=plan,
                school=school,
                after=snapshot(plan, ["school", "phase", "kind", "status", "application_year"]),
            )
    except IntegrityError as exc:
        raise PlanError(
            _("The school already has a plan for %(phase)s.") % {"phase": phase.name}
        ) from exc
    return plan


def plan_continue(*, plan: Plan, by) -> Plan:
    """Start the continuation (續辦) for the next year of the phase (SCHED-3).

    Allowed only for an approved plan whose current year has passed its
    performance assessment, and only while the phase has a year left.
    """
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("phase", "school")
            .get(pk=plan.pk)
        )
        if refused := continue_refusal(plan, by):
            raise refused
        next_year = plan.application_year + 1
        before = snapshot(plan, ["status", "kind", "application_year"])
        plan.kind = PlanKind.CONTINUATION
        plan.application_year = next_year
        plan.save(update_fields=["kind", "application_year", "updated_at"])
        _move(plan, PlanStatus.DRAFT, by=by, comment="", before=before)
    return plan


# --- Editing ------------------------------------------------------------------------


def plan_budget_editable(plan: Plan) -> bool:
    """The budget may change while the plan is editable, and after an approval that
    asks for a revised budget (BUD-5)."""
    return plan.status in EDITABLE or (
        plan.status == PlanStatus.APPROVED and plan.budget_revision_due
    )


def require_budget_editable(plan: Plan) -> None:
    """Inside the caller's transaction: lock the plan and check its saved state."""
    current = Plan.objects.select_for_update().only("status", "budget_revision_due").get(pk=plan.pk)
    if not plan_budget_editable(current):
        raise PlanError(_("The plan cannot be changed in its present status."))


def require_editable(plan: Plan) -> None:
    """Inside the caller's transaction: lock the plan and check, on its saved status, that it
    may still change (an edit racing a submission must not land on a submitted plan)."""
    status = Plan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    if status not in EDITABLE:
        raise PlanError(
            _("The plan is %(status)s: it cannot be changed now.")
            % {"status": PlanStatus(status).label}
        )


def section_save(*, plan: Plan, key: str, data: dict, revision: int, by) -> PlanSection:
    """Save one section if nobody else saved it since ``revision`` (else ``EditConflict``).

    Saving what is already stored is no conflict, whatever the revision: an autosave and the
    Save button often send the same text at the same moment."""
    with transaction.atomic():
        require_editable(plan)
        section = PlanSection.objects.select_for_update().get(plan=plan, key=key)
        if section.data == data:
            return section
        if section.revision != revision:
            raise EditConflict(section)
        before = section.data
        section.data = data
        section.revision = section.revision + 1
        section.updated_by = by
        section.save(update_fields=["data", "revision", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action="plan.section.save",
            target=plan,
            school=plan.school,
            before={key: before},
            after={key: data},
        )
    return section


def teacher_save(*, plan: Plan, teacher: DesignatedTeacher, by) -> DesignatedTeacher:
    """NOTE-2: a public school may reduce a designated teacher's load by at most 4 periods a
    week; a private school may adjust it."""
    if plan.school.ownership == "public" and teacher.weekly_reduction > PUBLIC_SCHOOL_MAX_REDUCTION:
        raise ValidationError(
            {
                "weekly_reduction": _(
                    "A public school may reduce a teacher's load by at most %(max)s periods a "
                    "week (柒-五-(三))."
                )
                % {"max": PUBLIC_SCHOOL_MAX_REDUCTION}
            }
        )
    fields = ["name", "title", "duties", "weekly_reduction"]
    with transaction.atomic():
        require_editable(plan)
        is_new = teacher.pk is None
        before = None if is_new else snapshot(DesignatedTeacher.objects.get(pk=teacher.pk), fields)
        teacher.plan = plan
        if is_new:
            teacher.order = (plan.teachers.aggregate(m=Max("order"))["m"] or 0) + 1
        teacher.full_clean()
        teacher.save()
        audit_record(
            actor=by,
            action="plan.teacher.add" if is_new else "plan.teacher.change",
            target=plan,
            school=plan.school,
            before=before,
            after=snapshot(teacher, fields),
        )
    return teacher


def teacher_delete(*, plan: Plan, teacher: DesignatedTeacher, by) -> None:
    with transaction.atomic():
        require_editable(plan)
        before = snapshot(teacher, ["name", "title", "duties", "weekly_reduction"])
        teacher.delete()
        audit_record(
            actor=by, action="plan.teacher.remove", target=plan, school=plan.school, before=before
        )


def subplan_save(*, plan: Plan, subplan: SubPlan, revision: int | None, by) -> SubPlan:
    """Save a sub-plan (ITEM-1) if nobody else saved it since ``revision`` (required to
    change a saved one: ``RevisionMissing`` without it)."""
    with transaction.atomic():
        require_editable(plan)
        is_new = subplan.pk is None
        subplan.plan = plan
        subplan.updated_by = by
        if is_new:
            subplan.order = (plan.subplans.aggregate(m=Max("order"))["m"] or 0) + 1
            subplan.full_clean()
            subplan.save()
            audit_record(
                actor=by,
                action="plan.subplan.add",
                target=plan,
                school=plan.school,
                after=snapshot(subplan, SUBPLAN_FIELDS),
            )
            return subplan
        current = SubPlan.objects.select_for_update().get(pk=subplan.pk, plan=plan)
        before = snapshot(current, SUBPLAN_FIELDS)
        if before == snapshot(subplan, SUBPLAN_FIELDS):
            # Saving what is stored is no conflict (an autosave and Save at once).
            return current
        if revision is None:
            raise RevisionMissing
        if current.revision != revision:
            raise EditConflict(current)
        subplan.full_clean()
        subplan.revision = current.revision + 1
        subplan.save()
        after = snapshot(subplan, SUBPLAN_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="plan.subplan.change",
                target=plan,
                school=plan.school,
                before=before,
                after=after,
            )
    return subplan


def subplan_delete(*, plan: Plan, subplan: SubPlan, by) -> None:
    if subplan.budget_lines.exists():
        raise PlanError(
            _("The sub-plan still has budget lines: move or remove them before removing it.")
        )
    with transaction.atomic():
        require_editable(plan)
        before = snapshot(subplan, SUBPLAN_FIELDS)
        subplan.delete()
        audit_record(
            actor=by, action="plan.subplan.remove", target=plan, school=plan.school, before=before
        )


# --- Attachments --------------------------------------------------------------------------

# One content check for every upload (``portal.uploads``); other apps import it from here too.
checked_upload = uploads.checked_upload


def attachment_add(*, plan: Plan, upload, description: str, by) -> PlanAttachment:
    """Attach a PDF or an image: size-capped, and its content must match its extension."""
    name = upload.name or ""
    extension, content_type = checked_upload(upload)
    with transaction.atomic():
        require_editable(plan)
        attachment = PlanAttachment(
            plan=plan,
            original_name=name[-200:],
            content_type=content_type,
            size=upload.size,
            description=description[:200],
            uploaded_by=by,
        )
        attachment.file.save(f"{plan.pk}{extension}", upload, save=False)
        attachment.save()
        audit_record(
            actor=by,
            action="plan.attachment.add",
            target=plan,
            school=plan.school,
            after={"file": attachment.original_name, "size": attachment.size},
        )
    return attachment


def attachment_remove(*, plan: Plan, attachment: PlanAttachment, by) -> None:
    """Remove from the plan; the file is kept, since a submitted version may list it."""
    with transaction.atomic():
        require_editable(plan)
        PlanAttachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        audit_record(
            actor=by,
            action="plan.attachment.remove",
            target=plan,
            school=plan.school,
            before={"file": attachment.original_name},
        )


# --- The workflow ------------------------------------------------------------------------

TRANSITION_ACTIONS = {
    PlanStatus.AWAITING_PRINCIPAL: "plan.send_to_principal",
    PlanStatus.SUBMITTED: "plan.submit",
    PlanStatus.RETURNED: "plan.return",
    PlanStatus.WITHDRAWN: "plan.withdraw",
    PlanStatus.UNDER_REVIEW: "plan.review_start",
    PlanStatus.APPROVED: "plan.approve",
    PlanStatus.REJECTED: "plan.reject",
    PlanStatus.DRAFT: "plan.reopen",
}

NOTIFY_SUBJECTS = {
    PlanStatus.AWAITING_PRINCIPAL: gettext_lazy("A plan awaits your approval"),
    PlanStatus.SUBMITTED: gettext_lazy("A plan was submitted"),
    PlanStatus.RETURNED: gettext_lazy("The plan was returned for revision"),
    PlanStatus.WITHDRAWN: gettext_lazy("A plan was withdrawn"),
    PlanStatus.UNDER_REVIEW: gettext_lazy("The plan is under review"),
    PlanStatus.APPROVED: gettext_lazy("The plan was approved"),
    PlanStatus.REJECTED: gettext_lazy("The plan was not approved"),
    PlanStatus.DRAFT: gettext_lazy("The plan is back in draft"),
}


def _school_users(plan: Plan, *roles) -> list[User]:
    return users_with_role(*roles, schools=[plan.school_id])


def _ministry_users() -> list[User]:
    return users_with_role(Role.MINISTRY)


def _recipients(plan: Plan, to: str, by) -> list[User]:
    """Who must act next, or needs to know."""
    if to == PlanStatus.AWAITING_PRINCIPAL:
        users = _school_users(plan, Role.PRINCIPAL)
    elif to in (PlanStatus.SUBMITTED, PlanStatus.WITHDRAWN):
        users = _school_users(plan, Role.COORDINATOR) + _ministry_users()
    else:
        users = _school_users(plan, Role.COORDINATOR, Role.PRINCIPAL)
    return [u for u in users if u.pk != getattr(by, "pk", None)]


def _move(plan: Plan, to: str, *, by, comment: str, before: dict | None = None) -> PlanEvent:
    """Record a status change inside the caller's transaction (the one place it happens)."""
    if to not in TRANSITIONS[PlanStatus(plan.status)]:
        raise PlanError(
            _("A plan that is %(status)s cannot become %(to)s.")
            % {"status": plan.get_status_display(), "to": PlanStatus(to).label}
        )
    before = before or snapshot(plan, ["status"])
    from_status = plan.status
    plan.status = to
    fields = ["status", "updated_at"]
    if to == PlanStatus.SUBMITTED:
        plan.submitted_at = timezone.now()
        fields.append("submitted_at")
    # A returned plan keeps its due date (APP-3) while it goes to the principal and back;
    # the resubmission uses it up.
    keeps_due = (PlanStatus.RETURNED, PlanStatus.AWAITING_PRINCIPAL, PlanStatus.DRAFT)
    if to not in keeps_due and plan.revision_due:
        plan.revision_due = None
        fields.append("revision_due")
    plan.save(update_fields=fields)
    event = PlanEvent.objects.create(
        plan=plan,
        from_status=from_status,
        to_status=to,
        academic_year=plan.application_year,
        actor=by,
        comment=comment,
    )
    audit_record(
        actor=by,
        action=TRANSITION_ACTIONS[to],
        target=plan,
        school=plan.school,
        before=before,
        after=snapshot(plan, ["status", "kind", "application_year", "revision_due"]),
        note=comment,
    )
    notify(
        users=_recipients(plan, to, by),
        subject=NOTIFY_SUBJECTS[to],
        template="applications/email/transition.txt",
        context={
            "plan": plan,
            "event": event,
            "url": reverse("applications:plan_detail", args=[plan.pk]),
        },
    )
    return event


def window_allows_submission(plan: Plan, at: dt.datetime | None = None) -> bool:
    """APP-3: inside the application window of the year applied for (Asia/Taipei); a plan
    returned for revision also until its revision due date."""
    at = at or timezone.now()
    window = ApplicationWindow.objects.filter(academic_year=plan.application_year).first()
    if window and window.is_open(at):
        return True
    if plan.revision_due is not None:
        return calendar.taipei_date(at) <= plan.revision_due
    return False


def plan_send_to_principal(*, plan: Plan, by) -> Plan:
    """The coordinator hands the complete plan to the principal."""
    if not by.has_perm("applications.send_to_principal", plan):
        raise send_to_principal_refusal(plan, by)
    with transaction.atomic():
        plan = _lock(plan)
        if refused := send_to_principal_refusal(plan, by):
            raise refused
        _move(plan, PlanStatus.AWAITING_PRINCIPAL, by=by, comment="")
    return plan


def _simple_transition(plan: Plan, *, by, refusal, to: str, comment: str = "") -> Plan:
    """A status change with no rule of its own beyond who may make it and from where;
    ``refusal`` (plan, by) → PlanError | None is checked first, then on the locked plan."""
    if (refused := refusal(plan, by)) and refused.kind == "who":
        raise refused
    with transaction.atomic():
        plan = _lock(plan)
        if refused := refusal(plan, by):
            raise refused
        _move(plan, to, by=by, comment=comment)
    return plan


def plan_recall(*, plan: Plan, by) -> Plan:
    """The coordinator takes the plan back from the principal to change it."""
    return _simple_transition(
        plan,
        by=by,
        refusal=recall_refusal,
        to=PlanStatus.DRAFT,
        comment=_("Recalled by the coordinator."),
    )


def plan_principal_approve(*, plan: Plan, by, comment: str = "", at=None) -> PlanVersion:
    """The principal approves and the plan is submitted: inside the window only (APP-3),
    complete (ITEM-2, ITEM-3, APP-2 … APP-6, BUD-1 … BUD-5), frozen as a new version."""
    from .selectors import plan_snapshot

    if not by.has_perm("applications.principal_decide", plan):
        raise approve_refusal(plan, by)
    with transaction.atomic():
        plan = _lock(plan)
        if refused := approve_refusal(plan, by, at):
            raise refused
        number = (plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = PlanVersion.objects.create(
            plan=plan,
            number=number,
            academic_year=plan.application_year,
            kind=plan.kind,
            snapshot=plan_snapshot(plan),
            submitted_by=by,
        )
        if plan.budget_revision_due:
            plan.budget_revision_due = False
            plan.save(update_fields=["budget_revision_due"])
        _move(plan, PlanStatus.SUBMITTED, by=by, comment=comment)
    return version


def plan_budget_revision_submit(*, plan: Plan, by, comment: str = "") -> PlanVersion:
    """BUD-5: after an approval below the request, the principal submits the budget revised
    to fit the approved amounts, as a new version; the plan stays approved."""
    from .selectors import plan_snapshot

    if not by.has_perm("applications.principal_decide", plan):
        raise budget_revision_refusal(plan, by)
    with transaction.atomic():
        plan = _lock(plan)
        if refused := budget_revision_refusal(plan, by):
            raise refused
        number = (plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = PlanVersion.objects.create(
            plan=plan,
            number=number,
            academic_year=plan.application_year,
            kind=plan.kind,
            snapshot=plan_snapshot(plan),
            submitted_by=by,
        )
        plan.budget_revision_due = False
        plan.save(update_fields=["budget_revision_due", "updated_at"])
        event = PlanEvent.objects.create(
            plan=plan,
            from_status=plan.status,
            to_status=plan.status,
            academic_year=plan.application_year,
            actor=by,
            comment=comment or _("Budget revised to fit the approved amounts."),
        )
        audit_record(
            actor=by,
            action="plan.budget_revision",
            target=plan,
            school=plan.school,
            after={"version": number},
            note=event.comment,
        )
        # The plan's PDF with the revised budget, made at once for the principal who sent it.
        from portal.documents.services import document_request

        document_request(kind="plan", target=plan, by=by)
        notify(
            users=_ministry_users() + _school_users(plan, Role.COORDINATOR),
            subject=gettext_lazy("A revised budget was submitted"),
            template="applications/email/transition.txt",
            context={
                "plan": plan,
                "event": event,
                "url": reverse("applications:plan_detail", args=[plan.pk]),
            },
        )
    return version


def plan_principal_send_back(*, plan: Plan, by, comment: str) -> Plan:
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    return _simple_transition(
        plan,
        by=by,
        refusal=send_back_refusal,
        to=PlanStatus.DRAFT,
        comment=comment,
    )


def plan_return(*, plan: Plan, by, comment: str, revision_due: dt.date | None = None) -> Plan:
    """Ministry staff return a submitted plan for revision, with comments."""
    if not by.has_perm("applications.return_plan", plan):
        raise return_refusal(plan, by)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    with transaction.atomic():
        plan = _lock(plan)
        if refused := return_refusal(plan, by):
            raise refused
        before = snapshot(plan, ["status", "revision_due"])
        plan.revision_due = revision_due
        plan.save(update_fields=["revision_due"])
        _move(plan, PlanStatus.RETURNED, by=by, comment=comment, before=before)
    return plan


def plan_withdraw(*, plan: Plan, by, comment: str = "") -> Plan:
    """The school withdraws its submission, before the review starts."""
    return _simple_transition(
        plan,
        by=by,
        refusal=withdraw_refusal,
        to=PlanStatus.WITHDRAWN,
        comment=comment,
    )


def plan_reopen(*, plan: Plan, by) -> Plan:
    """A withdrawn plan becomes a draft again."""
    return _simple_transition(
        plan,
        by=by,
        refusal=reopen_refusal,
        to=PlanStatus.DRAFT,
    )


def plan_review_start(*, plan: Plan, by) -> Plan:
    """The review takes over: the school can no longer withdraw. Ministry staff only."""
    return _simple_transition(
        plan,
        by=by,
        refusal=review_start_refusal,
        to=PlanStatus.UNDER_REVIEW,
    )


def plan_decide(
    *, plan: Plan, approve: bool, by, comment: str = "", amounts: dict[int, object] | None = None
) -> Plan:
    """Record the committee's decision on a plan under review (SEL-6, BUD-5).

    An approval opens the years it covers, each with its approved subsidy; when an
    approved amount is lower than the subsidy requested, the school must revise its
    budget to fit (a new version). Ministry staff only."""
    from .budget import budget_summary

    if not by.has_perm("applications.review_plan", plan):
        raise PlanError(_("Only ministry staff can record the decision on a plan."))
    with transaction.atomic():
        plan = _lock(plan)
        if plan.status != PlanStatus.UNDER_REVIEW:
            raise PlanError(_("Only a plan under review can be decided."))
        if approve and plan.kind == PlanKind.CONTINUATION:
            # SCHED-3: year N+1 is funded only after year N passed its assessment.
            last = plan.years.filter(academic_year=plan.application_year - 1).first()
            if last is None or last.status != YearStatus.PASSED:
                raise PlanError(
                    _(
                        "Academic year %(year)s has not passed its performance assessment, so "
                        "academic year %(next)s cannot be funded (肆、辦理期程)."
                    )
                    % {"year": plan.application_year - 1, "next": plan.application_year}
                )
        if approve:
            summary = budget_summary(plan)
            revise = False
            for year in plan.plan_years:
                amount = (amounts or {}).get(year)
                PlanYear.objects.update_or_create(
                    plan=plan,
                    academic_year=year,
                    defaults={
                        "approved_amount": amount,
                        "status": YearStatus.ACTIVE,
                        "set_by": by,
                    },
                )
                block = summary.year(year)
                if amount is not None and block and block.money.subsidy > amount:
                    revise = True
            if revise:
                plan.budget_revision_due = True
                plan.save(update_fields=["budget_revision_due"])
        _move(plan, PlanStatus.APPROVED if approve else PlanStatus.REJECTED, by=by, comment=comment)
    return plan


def _lock(plan: Plan) -> Plan:
    """The plan's row locked for the transaction (its school and phase are read, not locked:
    every school's plan moves at once on the deadline, and they share one phase)."""
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("school", "phase")
        .get(pk=plan.pk)
    )


# --- Year status ---------------------------------------------------------------------------


def year_status_set(*, plan: Plan, academic_year: int, status: str, note: str, by) -> PlanYear:
    """Record a year's outcome, audited (SCHED-3, PERF-6). Not a page of its own: the
    performance assessment's outcome calls it (``assessment.services``), so the outcome, not
    a hand-set flag, decides whether the next year starts."""
    if not by.has_perm("applications.set_year_status", plan):
        raise PlanError(_("Only ministry staff can record a year's outcome."))
    if status not in YearStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        plan = _lock(plan)
        if plan.status != PlanStatus.APPROVED and not plan.years.exists():
            raise PlanError(_("Only an approved plan has years with an outcome."))
        if not plan.phase.contains_year(academic_year):
            raise PlanError(_("That year is not part of the plan's phase."))
        year, _created = PlanYear.objects.get_or_create(
            plan=plan, academic_year=academic_year, defaults={"set_by": by}
        )
        before = snapshot(year, ["status", "note"])
        year.status = status
        year.note = note
        year.set_by = by
        year.save(update_fields=["status", "note", "set_by", "set_at"])
        audit_record(
            actor=by,
            action="plan.year_status",
            target=plan,
            school=plan.school,
            before={"academic_year": academic_year, **before},
            after={"academic_year": academic_year, **snapshot(year, ["status", "note"])},
        )
    return year


def year_amount_set(*, plan: Plan, academic_year: int, amount, note: str, by) -> PlanYear:
    """Lower a coming year's approved subsidy after its assessment (PERF-6, BUD-5): when the
    budget asks for more, the school revises it to fit as a new version, like after an
    approval below the request. Ministry staff only; audited."""
    from .budget import budget_summary

    if not by.has_perm("applications.set_year_status", plan):
        raise PlanError(_("Only ministry staff can change a year's approved amount."))
    with transaction.atomic():
        plan = _lock(plan)
        if not plan.phase.contains_year(academic_year):
            raise PlanError(_("That year is not part of the plan's phase."))
        year, _created = PlanYear.objects.get_or_create(
            plan=plan, academic_year=academic_year, defaults={"set_by": by}
        )
        before = snapshot(year, ["approved_amount", "note"])
        year.approved_amount = amount
        year.note = note
        year.set_by = by
        year.save(update_fields=["approved_amount", "note", "set_by", "set_at"])
        block = budget_summary(plan).year(academic_year)
        if block and block.money.subsidy > amount and not plan.budget_revision_due:
            plan.budget_revision_due = True
            plan.save(update_fields=["budget_revision_due"])
        audit_record(
            actor=by,
            action="plan.year_amount",
            target=plan,
            school=plan.school,
            before={"academic_year": academic_year, **before},
            after={
                "academic_year": academic_year,
                **snapshot(year, ["approved_amount", "note"]),
                "budget_revision_due": plan.budget_revision_due,
            },
        )
    return year


# --- Briefing sessions (APP-1) ---------------------------------------------------------------

BRIEFING_FIELDS = [
    "title",
    "phase",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registration_closes_at",
    "description",
]
#: A change to one of these is news for the schools already registered.
BRIEFING_NOTICE_FIELDS = ["starts_at", "ends_at", "place", "online_url"]


def _school_staff(school_ids=None) -> list[User]:
    """The coordinators and principals currently serving these schools (every active school
    when ``school_ids`` is None)."""
    return users_with_role(
        *SCHOOL_ROLES, schools=school_ids, active_schools_only=school_ids is None
    )


def _registered_school_ids(session: BriefingSession) -> list[int]:
    return list(
        session.registrations.filter(cancelled_at__isnull=True).values_list("school_id", flat=True)
    )


def briefing_save(*, session: BriefingSession, by, notify_schools: bool = False) -> BriefingSession:
    """Announce or change a briefing session (APP-1).

    Only ministry staff, and never a cancelled session. A session has a place, an online
    link or both; it ends after it starts; registration closes no later than it starts;
    a new session starts in the future; the capacity never drops below the schools
    already registered. When the time, place or link changes, the registered schools
    are e-mailed; a new session is e-mailed to every active school's coordinators and
    principals when ``notify_schools`` is set.
    """
    if not by.has_perm("applications.manage_briefings"):
        raise PlanError(_("Only ministry staff can announce briefing sessions."))
    with transaction.atomic():
        is_new = session.pk is None
        before = None
        if not is_new:
            stored = BriefingSession.objects.select_for_update().get(pk=session.pk)
            if stored.cancelled_at:
                raise PlanError(_("The session was cancelled; it can no longer be changed."))
            before = snapshot(stored, BRIEFING_FIELDS)
        else:
            session.created_by = by
        session.full_clean()
        if not session.place and not session.online_url:
            raise ValidationError(_("Give a place, an online link, or both."))
        if session.registration_closes_at > session.starts_at:
            raise ValidationError(
                {"registration_closes_at": _("Registration must close before the session starts.")}
            )
        if is_new and session.starts_at <= timezone.now():
            raise ValidationError({"starts_at": _("A new session must start in the future.")})
        registered = [] if is_new else _registered_school_ids(session)
        confirmed = (
            0
            if is_new
            else session.registrations.filter(cancelled_at__isnull=True, waitlisted=False).count()
        )
        if session.capacity is not None and session.capacity < confirmed:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)s schools are already registered; the capacity cannot be lower."
                    )
                    % {"count": confirmed}
                }
            )
        session.save()
        if not is_new:  # more room: the waiting list moves up
            briefing_move_up(session=session, by=by)
        # Read back, so that both snapshots hold the stored values (times in UTC).
        after = snapshot(BriefingSession.objects.get(pk=session.pk), BRIEFING_FIELDS)
        if before == after:
            return session
        audit_record(
            actor=by,
            action="briefing.create" if is_new else "briefing.update",
            target=session,
            before=before,
            after=after,
        )
        if is_new and notify_schools:
            notify(
                users=_school_staff(),
                subject=gettext_lazy("A briefing session was announced"),
                template="applications/briefings/email/announced.txt",
                context={"session": session, "url": session.get_absolute_url()},
            )
        changed = [f for f in BRIEFING_NOTICE_FIELDS if before and before[f] != after[f]]
        if changed and registered:
            notify(
                users=_school_staff(registered),
                subject=gettext_lazy("A briefing session you registered for has changed"),
                template="applications/briefings/email/changed.txt",
                context={"session": session, "url": session.get_absolute_url()},
            )
    return session


def briefing_cancel(*, session: BriefingSession, by) -> BriefingSession:
    """Cancel a briefing session (APP-1): ministry staff only, once, before it ends.

    The registrations stay on record; the registered schools are e-mailed.
    """
    if not by.has_perm("applications.manage_briefings"):
        raise PlanError(_("Only ministry staff can cancel briefing sessions."))
    with transaction.atomic():
        session = BriefingSession.objects.select_for_update().get(pk=session.pk)
        if session.cancelled_at:
            raise PlanError(_("The session is already cancelled."))
        if session.ends_at <= timezone.now():
            raise PlanError(_("The session is over; it cannot be cancelled."))
        session.cancelled_at = timezone.now()
        session.save(update_fields=["cancelled_at"])
        registered = _registered_school_ids(session)
        audit_record(
            actor=by,
            action="briefing.cancel",
            target=session,
            after={"cancelled_at": session.cancelled_at, "registered_schools": len(registered)},
        )
        notify(
            users=_school_staff(registered),
            subject=gettext_lazy("A briefing session was cancelled"),
            template="applications/email/briefing_cancelled.txt",
            context={"session": session},
        )
    return session


def briefing_register(
    *, session: BriefingSession, school, attendees: str, attendee_count: int, by
) -> BriefingRegistration:
    """A school registers for a briefing session (APP-1): by its coordinator or principal,
    before registration closes, once per school; when the session is full, on its waiting
    list. The school's coordinators and principals get a confirmation."""
    if not by.has_perm("applications.register_briefing", school):
        raise PlanError(_("Only the school's coordinator or principal can register it."))
    with transaction.atomic():
        # The lock makes concurrent registrations for one session queue up, so the
        # capacity check and the insert see the same count.
        session = BriefingSession.objects.select_for_update().get(pk=session.pk)
        if session.cancelled_at:
            raise PlanError(_("The session was cancelled."))
        if timezone.now() >= session.registration_closes_at:
            raise PlanError(_("Registration for this session has closed."))
        active = session.registrations.filter(cancelled_at__isnull=True)
        if active.filter(school=school).exists():
            raise PlanError(_("This school is already registered for this session."))
        full = (
            session.capacity is not None
            and active.filter(waitlisted=False).count() >= session.capacity
        )
        registration = BriefingRegistration(
            session=session,
            school=school,
            attendees=attendees.strip(),
            attendee_count=attendee_count,
            registered_by=by,
            waitlisted=full,
        )
        registration.full_clean()
        registration.save()
        audit_record(
            actor=by,
            action="briefing.register",
            target=session,
            school=school,
            after={
                "registration": registration.pk,
                "attendees": registration.attendees,
                "count": attendee_count,
                "waitlisted": full,
            },
        )
        notify(
            users=[*_school_staff([school.pk]), by],
            subject=(
                gettext_lazy("Your school is on the waiting list of a briefing session")
                if full
                else gettext_lazy("Your school is registered for a briefing session")
            ),
            template="applications/briefings/email/registered.txt",
            context={
                "session": session,
                "registration": registration,
                "url": session.get_absolute_url(),
            },
        )
    return registration


def briefing_unregister(*, registration: BriefingRegistration, by) -> BriefingRegistration:
    """A school cancels its registration (APP-1): by its coordinator or principal, until the
    session starts. The school's coordinators and principals get a confirmation."""
    if not by.has_perm("applications.register_briefing", registration.school):
        raise PlanError(
            _("Only the school's coordinator or principal can cancel its registration.")
        )
    with transaction.atomic():
        registration = (
            BriefingRegistration.objects.select_for_update()
            .select_related("session", "school")
            .get(pk=registration.pk)
        )
        session = registration.session
        if registration.cancelled_at:
            raise PlanError(_("The registration is already cancelled."))
        if session.cancelled_at:
            raise PlanError(_("The session was cancelled."))
        if timezone.now() >= session.starts_at:
            raise PlanError(_("The session has started; the registration can no longer change."))
        session = BriefingSession.objects.select_for_update().get(pk=session.pk)
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["cancelled_at"])
        audit_record(
            actor=by,
            action="briefing.unregister",
            target=session,
            school=registration.school,
            before={"registration": registration.pk, "attendees": registration.attendees},
        )
        notify(
            users=[*_school_staff([registration.school_id]), by],
            subject=gettext_lazy("Your school's briefing registration was cancelled"),
            template="applications/briefings/email/unregistered.txt",
            context={"session": session, "registration": registration},
        )
        if not registration.waitlisted:
            briefing_move_up(session=session, by=by)
    return registration


def briefing_move_up(*, session: BriefingSession, by) -> list[BriefingRegistration]:
    """Inside the caller's transaction, with the session locked: while there is room, the
    first school on the waiting list moves up, is audited and e-mailed."""
    moved = []
    active = session.registrations.filter(cancelled_at__isnull=True)
    while session.capacity is None or active.filter(waitlisted=False).count() < session.capacity:
        first = (
            active.filter(waitlisted=True)
            .select_related("school")
            .order_by("registered_at", "pk")
            .first()
        )
        if first is None:
            break
        first.waitlisted = False
        first.promoted_at = timezone.now()
        first.save(update_fields=["waitlisted", "promoted_at"])
        audit_record(
            actor=by,
            action="briefing.move_up",
            target=session,
            school=first.school,
            before={"registration": first.pk, "waitlisted": True},
            after={"registration": first.pk, "waitlisted": False},
        )
        notify(
            users=_school_staff([first.school_id]),
            subject=gettext_lazy("A place opened up: your school is registered"),
            template="applications/briefings/email/moved_up.txt",
            context={
                "session": session,
                "registration": first,
                "url": session.get_absolute_url(),
            },
        )
        moved.append(first)
    return moved


def briefing_registration_change(
    *, registration: BriefingRegistration, attendees: str, attendee_count: int, by
) -> BriefingRegistration:
    """A school changes who attends (APP-1): by its coordinator or principal, until the
    session starts; the change is audited, the place on the list kept."""
    if not by.has_perm("applications.register_briefing", registration.school):
        raise PlanError(
            _("Only the school's coordinator or principal can change its registration.")
        )
    with transaction.atomic():
        registration = (
            BriefingRegistration.objects.select_for_update()
            .select_related("session", "school")
            .get(pk=registration.pk)
        )
        session = registration.session
        if registration.cancelled_at:
            raise PlanError(_("The registration is cancelled."))
        if session.cancelled_at:
            raise PlanError(_("The session was cancelled."))
        if timezone.now() >= session.starts_at:
            raise PlanError(_("The session has started; the registration can no longer change."))
        before = {"attendees": registration.attendees, "count": registration.attendee_count}
        registration.attendees = attendees.strip()
        registration.attendee_count = attendee_count
        registration.full_clean()
        after = {"attendees": registration.attendees, "count": registration.attendee_count}
        if before == after:
            return registration
        registration.changed_at = timezone.now()
        registration.save(update_fields=["attendees", "attendee_count", "changed_at"])
        audit_record(
            actor=by,
            action="briefing.registration.change",
            target=session,
            school=registration.school,
            before=before,
            after=after,
        )
    return registration
