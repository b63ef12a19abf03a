"""Who reviews what: assignments, conflicts of interest and recusals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import PlanStatus
from applications.models import Plan
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify

from .. import checks, selectors
from ..enums import (
    AssignmentMethod,
    AssignmentStatus,
    RoundNumber,
)
from ..models import (
    Assignment,
    CommitteeMember,
    Round,
)
from ._base import (
    ReviewError,
    _lock_round,
    _ministry_users,
    _refuse,
    _refuse_if_confirmed,
    _require_ministry,
)

# --- Assignments -------------------------------------------------------------------------


def _refuse_unassignable(rnd: Round, member: CommitteeMember, plan: Plan, pool_ids, conflict):
    if member.committee_id != rnd.committee_id or member.removed_at is not None:
        raise ReviewError(_("Only a member of this committee can be assigned."))
    if plan.pk not in pool_ids:
        if rnd.number == RoundNumber.SECOND:
            raise ReviewError(
                _(
                    "%(school)s did not pass round 1, so it cannot be reviewed in round 2: only "
                    "applications that pass the document review go on (柒-二-(三)-3)."
                )
                % {"school": plan.school.name}
            )
        raise ReviewError(
            _("%(school)s's application is not one this committee reviews.")
            % {"school": plan.school.name}
        )
    if conflict:
        raise ReviewError(
            _("%(name)s cannot review %(school)s: %(reason)s (conflict of interest).")
            % {"name": member.user.display_name, "school": plan.school.name, "reason": conflict}
        )
    if Assignment.objects.filter(round=rnd, member=member, plan=plan).exists():
        raise ReviewError(
            _("%(name)s is already assigned %(school)s in this round.")
            % {"name": member.user.display_name, "school": plan.school.name}
        )


def _assign(rnd: Round, member: CommitteeMember, plan: Plan, *, by, method: str) -> Assignment:
    """Create the assignment; the first one takes the plan under review (the school can no
    longer withdraw it)."""
    from applications.services import PlanError, plan_review_start

    version = plan.versions.order_by("-number").first()
    assignment = Assignment.objects.create(
        round=rnd, member=member, plan=plan, version=version, method=method, assigned_by=by
    )
    if plan.status == PlanStatus.SUBMITTED:
        try:
            plan_review_start(plan=plan, by=by)
        except PlanError as exc:
            raise ReviewError(str(exc)) from exc
        plan.status = PlanStatus.UNDER_REVIEW
    audit_record(
        actor=by,
        action="review.assign",
        target=assignment,
        school=plan.school,
        after={
            "round": rnd.number,
            "reviewer": member.user.display_name,
            "school": plan.school.name,
            "method": method,
            "version": version.number if version else None,
        },
    )
    return assignment


def _notify_assigned(rnd: Round, member: CommitteeMember, count: int) -> None:
    notify(
        users=[member.user],
        subject=gettext_lazy("Applications were assigned to you for review"),
        template="review/email/assigned.txt",
        context={
            "round": rnd,
            "count": count,
            "member": member,
            "url": reverse("review:my"),
        },
    )


def assignment_create(
    *, rnd: Round, member: CommitteeMember, plan: Plan, by, method: str = AssignmentMethod.MANUAL
) -> Assignment:
    """Assign a reviewer by hand. Refused for a conflict of interest (the school's own
    principal or staff, a member affiliated with it, an earlier declared conflict or recusal),
    and in round 2 for an application that did not pass round 1 (SEL-4)."""
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        plan = Plan.objects.select_for_update().select_related("school").get(pk=plan.pk)
        member = CommitteeMember.objects.select_related("user").get(pk=member.pk)
        pool_ids = {p.pk for p in selectors.round_pool(rnd)}
        conflict = selectors.conflict_reason(member, plan)
        _refuse_unassignable(rnd, member, plan, pool_ids, conflict)
        assignment = _assign(rnd, member, plan, by=by, method=method)
        _notify_assigned(rnd, member, 1)
    return assignment


@dataclass
class AutoResult:
    created: list[Assignment] = field(default_factory=list)
    short: list[tuple[Plan, int]] = field(default_factory=list)  # applications left short


def assignments_auto(*, rnd: Round, by, per_application: int | None = None) -> AutoResult:
    """Assign reviewers automatically until each application has ``per_application`` active
    reviewers: never one with a conflict of interest; the load balanced (nobody above the
    even share while someone else can take it); categories mixed (a member of a category the
    application lacks goes first). Applications with the fewest possible reviewers are
    served first; ties go to the member added first, so the result is reproducible."""
    _require_ministry(by)
    n = per_application or 0
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        n = n or rnd.reviewers_per_application
        if n < 1:
            raise ValidationError({"per_application": _("At least one reviewer per application.")})
        members = list(selectors.active_members(rnd.committee))
        if not members:
            raise ReviewError(_("The committee has no members yet: add them first."))
        pool = selectors.round_pool(rnd)
        if not pool:
            raise ReviewError(_("There are no applications to assign in this round."))
        existing = list(Assignment.objects.filter(round=rnd).select_related("member"))
        conflicts = selectors.conflict_map(rnd.committee_id, members, pool)
        by_id = {m.pk: m for m in members}
        load = {m.pk: 0 for m in members}
        taken: dict[int, set[int]] = {p.pk: set() for p in pool}
        categories: dict[int, set[str]] = {p.pk: set() for p in pool}
        active = {p.pk: 0 for p in pool}
        for a in existing:
            taken.setdefault(a.plan_id, set()).add(a.member_id)
            if a.status == AssignmentStatus.ACTIVE:
                if a.member_id in load:
                    load[a.member_id] += 1
                if a.plan_id in active:
                    active[a.plan_id] += 1
                    categories[a.plan_id].add(a.member.category)

        def candidates(plan):
            return [
                m
                for m in members
                if m.pk not in taken[plan.pk] and (m.pk, plan.pk) not in conflicts
            ]

        needed = {p.pk: max(0, n - active[p.pk]) for p in pool}
        slots = sum(load.values()) + sum(needed.values())
        cap = math.ceil(slots / len(members))
        result = AutoResult()
        created_for: dict[int, int] = {}
        order = sorted(pool, key=lambda p: (len(candidates(p)), p.school.code))
        for plan in order:
            for _i in range(needed[plan.pk]):
                options = candidates(plan)
                if not options:
                    missing = n - active[plan.pk]
                    result.short.append((plan, missing))
                    break
                within = [m for m in options if load[m.pk] < cap] or options
                chosen = min(
                    within,
                    key=lambda m, p=plan: (m.category in categories[p.pk], load[m.pk], m.pk),
                )
                assignment = _assign(rnd, chosen, plan, by=by, method=AssignmentMethod.AUTO)
                result.created.append(assignment)
                load[chosen.pk] += 1
                taken[plan.pk].add(chosen.pk)
                categories[plan.pk].add(chosen.category)
                active[plan.pk] += 1
                created_for[chosen.pk] = created_for.get(chosen.pk, 0) + 1
        audit_record(
            actor=by,
            action="review.assign_auto",
            target=rnd,
            after={
                "per_application": n,
                "created": len(result.created),
                "short": {p.school.name: k for p, k in result.short},
            },
        )
        for member_pk, count in created_for.items():
            _notify_assigned(rnd, by_id[member_pk], count)
    return result


def assignment_remove(*, assignment: Assignment, by) -> None:
    """Undo an assignment made by mistake, while its review has not started; a started review
    stays on record (recuse the reviewer instead)."""
    _require_ministry(by)
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("round", "member__user", "plan__school")
            .get(pk=assignment.pk)
        )
        _refuse(checks.unassign(assignment))
        before = {
            "round": assignment.round.number,
            "reviewer": assignment.member.user.display_name,
            "school": assignment.plan.school.name,
        }
        audit_record(
            actor=by,
            action="review.unassign",
            target=assignment,
            school=assignment.plan.school,
            before=before,
        )
        assignment.delete()


def _set_status(assignment: Assignment, status: str, *, reason: str, by, action: str) -> None:
    before = snapshot(assignment, ["status", "status_reason"])
    assignment.status = status
    assignment.status_reason = reason
    assignment.status_changed_at = timezone.now()
    assignment.status_changed_by = by
    assignment.save(
        update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
    )
    audit_record(
        actor=by,
        action=action,
        target=assignment,
        school=assignment.plan.school,
        before=before,
        after={
            **snapshot(assignment, ["status", "status_reason"]),
            "reviewer": str(assignment.member),
        },
        note=reason,
    )


def assignment_declare_conflict(*, assignment: Assignment, reason: str, by) -> Assignment:
    """A reviewer declares a conflict of interest and abstains: their review, if any, is left
    out of the aggregate, and they no longer see the application."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say briefly what the conflict of interest is.")})
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("round", "member__user", "plan__school")
            .get(pk=assignment.pk)
        )
        _refuse(checks.declare_conflict(assignment, by))
        _set_status(
            assignment,
            AssignmentStatus.CONFLICT,
            reason=reason.strip(),
            by=by,
            action="review.conflict",
        )
        notify(
            users=_ministry_users(),
            subject=gettext_lazy("A reviewer declared a conflict of interest"),
            template="review/email/conflict_declared.txt",
            context={
                "assignment": assignment,
                "url": reverse("review:plan_review", args=[assignment.plan_id]),
            },
        )
    return assignment


def assignment_recuse(*, assignment: Assignment, reason: str, by) -> Assignment:
    """Ministry staff recuse a reviewer from an application: left out of the aggregate."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the reviewer is recused.")})
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("round", "member__user", "plan__school")
            .get(pk=assignment.pk)
        )
        _refuse(checks.recuse(assignment))
        _set_status(
            assignment,
            AssignmentStatus.RECUSED,
            reason=reason.strip(),
            by=by,
            action="review.recuse",
        )
        notify(
            users=[assignment.member.user],
            subject=gettext_lazy("You were recused from reviewing an application"),
            template="review/email/recused.txt",
            context={"assignment": assignment, "url": reverse("review:my")},
        )
    return assignment
