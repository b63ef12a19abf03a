"""Writes of the committee review. Each one checks who may do it and the rule it carries,
runs in a transaction, writes an audit row, and e-mails whoever must act after the commit.

Rules carried here: SEL-1, SEL-2 (the rubric, locked once scoring starts), SEL-3 (the
committee and its categories), SEL-4 (only round-1 passers enter round 2), SEL-5 (round 2 is
a site visit or an interview), SEL-6 (approval only after round 2 passes), SEL-7 (focus
support in the pass rule), BUD-5 (an approved amount below the request asks for a revised
budget, through ``applications.services.plan_decide``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import PlanStatus
from applications.models import Plan
from portal.accounts.enums import SCHOOL_ROLES, Role
from portal.accounts.models import User
from portal.accounts.selectors import users_with_role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar

from . import aggregation, checks, selectors
from .enums import (
    ROUND_KINDS,
    USES_THRESHOLD,
    USES_TOP_N,
    AssignmentMethod,
    AssignmentStatus,
    Recommendation,
    ReviewStatus,
    RoundKind,
    RoundNumber,
)
from .models import (
    Assignment,
    Committee,
    CommitteeMember,
    ConsolidatedComment,
    Criterion,
    Decision,
    LeftOut,
    Review,
    Round,
    RoundOutcome,
    Score,
    Visit,
)
from .rubric import default_criteria

THREE_PLACES = Decimal("0.001")


class ReviewError(Exception):
    """A request the rules refuse; the message says why, in the user's language."""


def _require(by, perm: str, obj=None, message=None) -> None:
    if not by.has_perm(perm, obj):
        raise ReviewError(message or _("You may not do this."))


def _require_ministry(by) -> None:
    _require(by, "review.manage", message=_("Only ministry staff can do this."))


def _refuse(refusal: str | None) -> None:
    """Raise a check's reason (see ``checks``) as the refusal."""
    if refusal:
        raise ReviewError(refusal)


# --- Who to tell ---------------------------------------------------------------------------


def _school_staff(plan) -> list[User]:
    return users_with_role(*SCHOOL_ROLES, schools=[plan.school_id])


def _ministry_users() -> list[User]:
    return users_with_role(Role.MINISTRY)


# --- The committee (SEL-3) -----------------------------------------------------------------

COMMITTEE_FIELDS = ["phase", "academic_year", "name", "notes"]
ROUND_FIELDS = [
    "kind",
    "opens_at",
    "closes_at",
    "reviewers_per_application",
    "others_visibility",
    "show_reviewer_names",
    "aggregation",
    "normalise",
    "pass_rule",
    "pass_threshold",
    "pass_top_n",
    "focus_bonus",
    "focus_reserved",
]
DEFAULT_THRESHOLD = Decimal("70")


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59 of a day in Taipei: a deadline reads as the day it falls on."""
    return calendar.start_of_day(day + dt.timedelta(days=1)) - dt.timedelta(minutes=1)


def _default_dates(today: dt.date):
    """Round 1 open for three weeks from today; round 2 for four weeks after a week's pause."""
    start = calendar.start_of_day
    return (
        (start(today), end_of_day(today + dt.timedelta(days=20))),
        (start(today + dt.timedelta(days=28)), end_of_day(today + dt.timedelta(days=55))),
    )


def committee_create(*, phase, academic_year: int, name: str, by, notes: str = "") -> Committee:
    """Form the committee of a phase and year (SEL-3), with its two rounds — round 1 the
    document review (SEL-4), round 2 the site visit (SEL-5) — and their rubrics seeded from
    the programme's criteria (SEL-1, SEL-2)."""
    _require_ministry(by)
    if not phase.contains_year(academic_year):
        raise ValidationError(
            {
                "academic_year": _("%(year)s is not a year of %(phase)s.")
                % {"year": academic_year, "phase": phase.name}
            }
        )
    if Committee.objects.filter(phase=phase, academic_year=academic_year).exists():
        raise ValidationError(
            {"academic_year": _("This phase already has a committee for that year.")}
        )
    first, second = _default_dates(calendar.taipei_today())
    try:
        with transaction.atomic():
            committee = Committee.objects.create(
                phase=phase,
                academic_year=academic_year,
                name=name.strip(),
                notes=notes,
                created_by=by,
            )
            for number, kind, (opens, closes) in (
                (RoundNumber.FIRST, RoundKind.DOCUMENT, first),
                (RoundNumber.SECOND, RoundKind.SITE_VISIT, second),
            ):
                rnd = Round.objects.create(
                    committee=committee,
                    number=number,
                    kind=kind,
                    opens_at=opens,
                    closes_at=closes,
                    pass_threshold=DEFAULT_THRESHOLD,
                )
                Criterion.objects.bulk_create(
                    Criterion(
                        round=rnd,
                        group=group,
                        name=cname,
                        max_points=points,
                        weight=weight,
                        description=description,
                        order=order,
                    )
                    for group, cname, points, weight, description, order in default_criteria(number)
                )
            audit_record(
                actor=by,
                action="review.committee.create",
                target=committee,
                after=snapshot(committee, COMMITTEE_FIELDS),
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"academic_year": _("This phase already has a committee for that year.")}
        ) from exc
    return committee


def committee_update(*, committee: Committee, name: str, notes: str, by) -> Committee:
    _require_ministry(by)
    with transaction.atomic():
        before = snapshot(committee, ["name", "notes"])
        committee.name = name.strip()
        committee.notes = notes
        committee.full_clean()
        committee.save(update_fields=["name", "notes"])
        audit_record(
            actor=by,
            action="review.committee.update",
            target=committee,
            before=before,
            after=snapshot(committee, ["name", "notes"]),
        )
    return committee


def committee_member_add(
    *, committee: Committee, user: User, by, is_convener: bool = False
) -> CommitteeMember:
    """Add a person with a committee-member grant; the member keeps the grant's category and
    affiliation (SEL-3), which the conflict checks use."""
    _require_ministry(by)
    grant = next(iter(user.grants.filter(role=Role.COMMITTEE, revoked_at__isnull=True)), None)
    if grant is None:
        raise ReviewError(
            _("%(name)s has no committee-member role: grant it first.")
            % {"name": user.display_name}
        )
    with transaction.atomic():
        if CommitteeMember.objects.filter(
            committee=committee, user=user, removed_at__isnull=True
        ).exists():
            raise ReviewError(
                _("%(name)s is already a member of the committee.") % {"name": user.display_name}
            )
        if is_convener:
            CommitteeMember.objects.filter(committee=committee, is_convener=True).update(
                is_convener=False
            )
        member = CommitteeMember.objects.create(
            committee=committee,
            user=user,
            category=grant.committee_category,
            affiliation=grant.affiliation,
            affiliated_school=grant.affiliated_school,
            is_convener=is_convener,
            added_by=by,
        )
        audit_record(
            actor=by,
            action="review.member.add",
            target=committee,
            after={
                "member": user.display_name,
                "category": member.category,
                "affiliation": member.affiliation,
                "convener": is_convener,
            },
        )
    return member


def committee_member_remove(*, member: CommitteeMember, by) -> None:
    """Remove a member who has not started scoring; their unstarted assignments go too. A
    member who has scored stays on record: recuse them from applications instead."""
    _require_ministry(by)
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.removed_at:
            return
        if (
            Review.objects.filter(assignment__member=member, status=ReviewStatus.SUBMITTED).exists()
            or Score.objects.filter(
                review__assignment__member=member, points__isnull=False
            ).exists()
        ):
            raise ReviewError(
                _(
                    "%(name)s has already scored applications, so they stay on the committee's "
                    "record: recuse them from the applications instead."
                )
                % {"name": member.user.display_name}
            )
        removed = list(member.assignments.select_related("plan__school"))
        Review.objects.filter(assignment__in=removed).delete()
        member.assignments.all().delete()
        member.removed_at = timezone.now()
        member.removed_by = by
        member.is_convener = False
        member.save(update_fields=["removed_at", "removed_by", "is_convener"])
        audit_record(
            actor=by,
            action="review.member.remove",
            target=member.committee,
            before={
                "member": member.user.display_name,
                "assignments": [a.plan.school.name for a in removed],
            },
        )


# --- Rounds ------------------------------------------------------------------------------


def _lock_round(rnd: Round) -> Round:
    return Round.objects.select_for_update().select_related("committee").get(pk=rnd.pk)


def _refuse_if_confirmed(rnd: Round) -> None:
    _refuse(checks.round_change(rnd))


def round_update(*, rnd: Round, values: dict, by) -> Round:
    """Change a round's dates, visibility, aggregation and pass rule, until its results are
    confirmed. Round 1 stays a document review (SEL-4), round 2 a site visit or an interview
    (SEL-5); a reserved quota for focus-support schools needs a top-N rule (SEL-7)."""
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        before = snapshot(rnd, ROUND_FIELDS)
        for name in ROUND_FIELDS:
            if name in values:
                setattr(rnd, name, values[name])
        errors = {}
        if rnd.kind not in ROUND_KINDS[RoundNumber(rnd.number)]:
            errors["kind"] = (
                _("Round 1 is a document review (柒-二-(三)-3).")
                if rnd.number == RoundNumber.FIRST
                else _("Round 2 is a site visit or an interview (柒-二-(三)-4).")
            )
        if rnd.opens_at and rnd.closes_at and rnd.closes_at <= rnd.opens_at:
            errors["closes_at"] = _("The deadline must be after the opening.")
        if rnd.pass_rule in USES_THRESHOLD and rnd.pass_threshold is None:
            errors["pass_threshold"] = _("This pass rule needs a threshold.")
        if rnd.pass_rule in USES_TOP_N and not rnd.pass_top_n:
            errors["pass_top_n"] = _("This pass rule needs the number N.")
        if rnd.focus_reserved:
            if rnd.pass_rule not in USES_TOP_N:
                errors["focus_reserved"] = _(
                    "Places can be reserved only with a rule that uses the top N (伍-二)."
                )
            elif rnd.pass_top_n and rnd.focus_reserved > rnd.pass_top_n:
                errors["focus_reserved"] = _("At most N places can be reserved.")
        if errors:
            raise ValidationError(errors)
        rnd.full_clean(exclude=["committee"])
        rnd.save(update_fields=[*ROUND_FIELDS, "updated_at"])
        after = snapshot(rnd, ROUND_FIELDS)
        if before != after:
            audit_record(
                actor=by, action="review.round.update", target=rnd, before=before, after=after
            )
    return rnd


# --- The rubric (SEL-1, SEL-2) -----------------------------------------------------------

CRITERION_FIELDS = ["group", "name", "description", "max_points", "weight", "order"]


def _refuse_if_rubric_locked(rnd: Round) -> None:
    _refuse(checks.rubric_change(rnd))


def criterion_save(*, rnd: Round, criterion: Criterion, by) -> Criterion:
    """Add or change a criterion of the rubric, until the first score exists."""
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_rubric_locked(rnd)
        is_new = criterion.pk is None
        before = (
            None if is_new else snapshot(Criterion.objects.get(pk=criterion.pk), CRITERION_FIELDS)
        )
        criterion.round = rnd
        if is_new and not criterion.order:
            criterion.order = (rnd.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        criterion.full_clean()
        criterion.save()
        audit_record(
            actor=by,
            action="review.criterion.add" if is_new else "review.criterion.change",
            target=rnd,
            before=before,
            after=snapshot(criterion, CRITERION_FIELDS),
        )
    return criterion


def criterion_delete(*, criterion: Criterion, by) -> None:
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(criterion.round)
        _refuse_if_rubric_locked(rnd)
        if rnd.criteria.count() <= 1:
            raise ReviewError(_("A rubric needs at least one criterion."))
        before = snapshot(criterion, CRITERION_FIELDS)
        Score.objects.filter(criterion=criterion).delete()
        criterion.delete()
        audit_record(actor=by, action="review.criterion.remove", target=rnd, before=before)


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


# --- Scoring ----------------------------------------------------------------------------

REVIEW_FIELDS = ["recommendation", "comment", "confidential_comment", "total"]


def _points(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(_("Enter a number.")) from exc


def review_save(
    *,
    assignment: Assignment,
    by,
    points: dict[int, object],
    comments: dict[int, str] | None = None,
    recommendation: str = "",
    comment: str = "",
    confidential_comment: str = "",
    submit: bool = False,
    at: dt.datetime | None = None,
) -> Review:
    """Save a reviewer's scores as a draft, or submit them (SEL-1, SEL-2).

    Only the assigned reviewer, only while the assignment is active (no declared conflict or
    recusal), only between the round's opening and its deadline, and never once submitted.
    Each criterion takes 0 to its maximum points; submitting needs every criterion scored, a
    recommendation and overall comments. The weighted total is computed when every criterion
    has points (see ``aggregation.weighted_total`` for the rounding).
    """
    comments = comments or {}
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("round", "member__user", "plan__school")
            .get(pk=assignment.pk)
        )
        _refuse(checks.score(assignment, by, at or timezone.now()))
        rnd = assignment.round
        review = selectors.review_of(assignment)
        criteria = list(rnd.criteria.all())
        errors: dict[str, str] = {}
        values: dict[int, Decimal | None] = {}
        for criterion in criteria:
            key = f"points_{criterion.pk}"
            try:
                value = _points(points.get(criterion.pk))
            except ValidationError:
                errors[key] = _("Enter a number.")
                continue
            if value is not None and (
                value < 0
                or value > criterion.max_points
                or value != value.quantize(Decimal("0.01"))
            ):
                errors[key] = _("Give 0 to %(max)s points, with at most 2 decimals.") % {
                    "max": aggregation.plain(criterion.max_points)
                }
                continue
            values[criterion.pk] = value
            if submit and value is None:
                errors[key] = _("Score this criterion before submitting.")
        if recommendation and recommendation not in Recommendation.values:
            errors["recommendation"] = _("Choose a recommendation.")
        if submit and not recommendation:
            errors["recommendation"] = _("Choose a recommendation before submitting.")
        if submit and not comment.strip():
            errors["comment"] = _("Write your overall comments before submitting.")
        if errors:
            raise ValidationError(errors)
        if review is None:
            review = Review.objects.create(assignment=assignment)
        existing = {s.criterion_id: s for s in review.scores.all()}
        for criterion in criteria:
            value = values.get(criterion.pk)
            text = (comments.get(criterion.pk) or "").strip()
            score = existing.get(criterion.pk)
            if score is None:
                if value is not None or text:
                    Score.objects.create(
                        review=review, criterion=criterion, points=value, comment=text
                    )
            elif score.points != value or score.comment != text:
                score.points = value
                score.comment = text
                score.save(update_fields=["points", "comment"])
        complete = all(values.get(c.pk) is not None for c in criteria)
        before = snapshot(review, ["status", *REVIEW_FIELDS])
        review.total = (
            aggregation.weighted_total((values[c.pk], c.max_points, c.weight) for c in criteria)
            if complete
            else None
        )
        review.recommendation = recommendation
        review.comment = comment.strip()
        review.confidential_comment = confidential_comment.strip()
        fields = [*REVIEW_FIELDS, "updated_at"]
        if submit:
            review.status = ReviewStatus.SUBMITTED
            review.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
        review.save(update_fields=fields)
        audit_record(
            actor=by,
            action="review.submit" if submit else "review.save",
            target=review,
            school=assignment.plan.school,
            before=before,
            after={
                **snapshot(review, ["status", *REVIEW_FIELDS]),
                "scores": {c.name: values.get(c.pk) for c in criteria},
            },
        )
    return review


def review_reopen(*, review: Review, reason: str, by) -> Review:
    """Ministry staff send a submitted review back to its reviewer, before the results are
    confirmed; it counts again once resubmitted."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the reviewer should correct.")})
    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .select_related(
                "assignment__round", "assignment__member__user", "assignment__plan__school"
            )
            .get(pk=review.pk)
        )
        _refuse(checks.reopen_review(review))
        before = snapshot(review, ["status", "submitted_at"])
        review.status = ReviewStatus.DRAFT
        review.submitted_at = None
        review.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=by,
            action="review.reopen",
            target=review,
            school=review.assignment.plan.school,
            before=before,
            after=snapshot(review, ["status", "submitted_at"]),
            note=reason.strip(),
        )
        notify(
            users=[review.assignment.member.user],
            subject=gettext_lazy("A review was reopened for you to correct"),
            template="review/email/reopened.txt",
            context={
                "assignment": review.assignment,
                "reason": reason.strip(),
                "url": reverse("review:assignment", args=[review.assignment_id]),
            },
        )
    return review


def reminders_send(*, rnd: Round, by, member_id: int | None = None) -> int:
    """E-mail each reviewer whose reviews in the round are missing, now; returns how many.
    Recorded like the scheduled reminder of reviews due (``review.reminders``), so nobody gets
    the same round's reminder twice on the same day."""
    from portal.reminders.services import send_reminder

    from .reminders import KIND, round_reminders

    _require_ministry(by)
    day = calendar.taipei_today()
    reminders = round_reminders(rnd, member_id)
    with transaction.atomic():
        sent = [r for r in reminders if send_reminder(KIND, r, day)]
        audit_record(
            actor=by,
            action="review.remind",
            target=rnd,
            after={
                "reviewers": [str(r.context["row"].member) for r in sent],
                "missing": sum(r.context["row"].missing for r in sent),
                "already_reminded_today": [
                    str(r.context["row"].member) for r in reminders if r not in sent
                ],
            },
        )
    return len(sent)


# --- Results (SEL-4, SEL-7) --------------------------------------------------------------


def round_confirm_results(
    *,
    rnd: Round,
    passed: set[int],
    by,
    reasons: dict[int, str] | None = None,
    note: str = "",
    comments: dict[int, str] | None = None,
) -> list[RoundOutcome]:
    """Ministry staff confirm the pass list of a round as a recorded decision.

    The pass rule proposes the list (threshold and/or top N, with the focus-support bonus and
    reserved places, SEL-7); staff may depart from it for an application only with a reason.
    Missing reviews block the confirmation until the deadline has passed; an application
    without a counted review cannot pass. Round 2 waits for round 1 (SEL-4). Every school
    reviewed gets the committee's consolidated comments (綜合意見) with its result: given here
    (the page prefills them from the reviewers' comments) or saved before. The results, the
    figures and the rule are kept, and the round is locked.
    """
    _require_ministry(by)
    reasons = reasons or {}
    comments = {pk: (text or "").strip() for pk, text in (comments or {}).items()}
    with transaction.atomic():
        rnd = _lock_round(rnd)
        result = selectors.ranking(rnd)
        left_out = selectors.left_out_of(rnd)
        gaps = selectors.confirmation_gaps(rnd, result, left_out) if result.rows else []
        _refuse(checks.confirm(rnd, result, gaps))
        pool_ids = {row.plan.pk for row in result.rows}
        unknown = set(passed) - pool_ids
        if unknown:
            raise ReviewError(_("Only applications of this round can pass it."))
        errors = {}
        for row in result.rows:
            passes = row.plan.pk in passed
            if passes and row.plan.pk in left_out:
                errors[f"reason_{row.plan.pk}"] = _(
                    "%(school)s was left out of the round, so it cannot pass."
                ) % {"school": row.plan.school.name}
            elif passes and row.final is None:
                errors[f"reason_{row.plan.pk}"] = _(
                    "%(school)s has no counted review, so it cannot pass."
                ) % {"school": row.plan.school.name}
            elif (
                row.plan.pk not in left_out
                and passes != row.suggested
                and not (reasons.get(row.plan.pk) or "").strip()
            ):
                errors[f"reason_{row.plan.pk}"] = _(
                    "Say why %(school)s's result departs from the pass rule."
                ) % {"school": row.plan.school.name}
        saved = {
            c.plan_id: c for c in ConsolidatedComment.objects.select_for_update().filter(round=rnd)
        }
        for row in result.rows:
            pk = row.plan.pk
            if pk not in left_out and not comments.get(pk) and pk not in saved:
                errors[f"comment_{pk}"] = _(
                    "Write the consolidated comments for %(school)s: the school reads them with "
                    "its result."
                ) % {"school": row.plan.school.name}
        if errors:
            raise ValidationError(errors)
        for row in result.rows:
            text = comments.get(row.plan.pk)
            if text:
                _comment_write(rnd, row.plan, text, by, saved.get(row.plan.pk))

        def reason_for(row):
            if row.plan.pk in left_out:
                return left_out[row.plan.pk].reason
            if (row.plan.pk in passed) != row.suggested:
                return (reasons.get(row.plan.pk) or "").strip()
            return ""

        outcomes = RoundOutcome.objects.bulk_create(
            RoundOutcome(
                round=rnd,
                plan=row.plan,
                rank=row.rank,
                raw=row.raw,
                normalised=row.normalised,
                bonus=row.bonus,
                final=row.final,
                review_count=row.count,
                suggested=row.suggested,
                passed=row.plan.pk in passed,
                left_out=row.plan.pk in left_out,
                reason=reason_for(row),
            )
            for row in result.rows
        )
        rule = {
            "pass_rule": rnd.pass_rule,
            "pass_threshold": rnd.pass_threshold,
            "pass_top_n": rnd.pass_top_n,
            "aggregation": rnd.aggregation,
            "normalise": rnd.normalise,
            "focus_bonus": rnd.focus_bonus,
            "focus_reserved": rnd.focus_reserved,
        }
        rnd.results_confirmed_at = timezone.now()
        rnd.results_confirmed_by = by
        rnd.results_note = note.strip()
        rnd.results_rule = {k: str(v) if isinstance(v, Decimal) else v for k, v in rule.items()}
        rnd.save(
            update_fields=[
                "results_confirmed_at",
                "results_confirmed_by",
                "results_note",
                "results_rule",
                "updated_at",
            ]
        )
        audit_record(
            actor=by,
            action="review.confirm",
            target=rnd,
            after={
                "passed": [r.plan.school.name for r in result.rows if r.plan.pk in passed],
                "not_passed": [r.plan.school.name for r in result.rows if r.plan.pk not in passed],
                "departures": {
                    r.plan.school.name: reasons.get(r.plan.pk, "")
                    for r in result.rows
                    if (r.plan.pk in passed) != r.suggested and r.plan.pk not in left_out
                },
                "left_out": {
                    r.plan.school.name: reason_for(r) for r in result.rows if r.plan.pk in left_out
                },
                "rule": rnd.results_rule,
            },
            note=rnd.results_note,
        )
        for row in result.rows:
            notify(
                users=_school_staff(row.plan),
                subject=gettext_lazy("The result of a review round"),
                template="review/email/round_result.txt",
                context={
                    "round": rnd,
                    "plan": row.plan,
                    "passed": row.plan.pk in passed,
                    "url": reverse("applications:plan_detail", args=[row.plan.pk]),
                },
            )
    return outcomes


def application_leave_out(*, rnd: Round, plan: Plan, reason: str, by) -> LeftOut:
    """Leave an application out of a round on purpose, with the reason on record: the round
    can then be confirmed without its reviews, and it does not pass. Refused once the round is
    confirmed."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application is left out of the round.")})
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        plan = Plan.objects.select_related("school").get(pk=plan.pk)
        if plan.pk not in {p.pk for p in selectors.round_pool(rnd)}:
            raise ReviewError(_("This application is not reviewed in this round."))
        if LeftOut.objects.filter(round=rnd, plan=plan).exists():
            raise ReviewError(
                _("%(school)s is already left out of this round.") % {"school": plan.school.name}
            )
        left_out = LeftOut.objects.create(
            round=rnd, plan=plan, reason=reason.strip(), left_out_by=by
        )
        audit_record(
            actor=by,
            action="review.leave_out",
            target=rnd,
            school=plan.school,
            after={"school": plan.school.name, "round": rnd.number},
            note=left_out.reason,
        )
    return left_out


def application_take_back(*, rnd: Round, plan: Plan, by) -> None:
    """Undo a leave-out before the round is confirmed: the application needs its reviews
    again."""
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        left_out = (
            LeftOut.objects.select_for_update()
            .select_related("plan__school")
            .filter(round=rnd, plan=plan)
            .first()
        )
        if left_out is None:
            raise ReviewError(_("This application is not left out of the round."))
        audit_record(
            actor=by,
            action="review.take_back",
            target=rnd,
            school=left_out.plan.school,
            before={"school": left_out.plan.school.name, "reason": left_out.reason},
        )
        left_out.delete()


def round_reopen(*, rnd: Round, reason: str, by) -> Round:
    """Ministry staff reopen a confirmed round, with a reason: its outcomes are withdrawn (the
    audit row keeps them), the round can change again and be confirmed anew, and the schools
    are told. Refused while a later step stands on the results: round 2 started on round 1's
    passers, or a decision recorded on them."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the results are reopened.")})
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse(checks.reopen_round(rnd))
        outcomes = list(RoundOutcome.objects.filter(round=rnd).select_related("plan__school"))
        before = {
            "confirmed_at": rnd.results_confirmed_at.isoformat(),
            "passed": [o.plan.school.name for o in outcomes if o.passed],
            "not_passed": [o.plan.school.name for o in outcomes if not o.passed],
            "note": rnd.results_note,
            "rule": rnd.results_rule,
        }
        RoundOutcome.objects.filter(round=rnd).delete()
        rnd.results_confirmed_at = None
        rnd.results_confirmed_by = None
        rnd.results_rule = None
        rnd.reopened_at = timezone.now()
        rnd.reopened_by = by
        rnd.reopen_reason = reason.strip()
        rnd.save(
            update_fields=[
                "results_confirmed_at",
                "results_confirmed_by",
                "results_rule",
                "reopened_at",
                "reopened_by",
                "reopen_reason",
                "updated_at",
            ]
        )
        audit_record(
            actor=by,
            action="review.round.reopen",
            target=rnd,
            before=before,
            note=rnd.reopen_reason,
        )
        for outcome in outcomes:
            notify(
                users=_school_staff(outcome.plan),
                subject=gettext_lazy("The result of a review round is being reconsidered"),
                template="review/email/round_reopened.txt",
                context={
                    "round": rnd,
                    "plan": outcome.plan,
                    "url": reverse("applications:plan_detail", args=[outcome.plan.pk]),
                },
            )
    return rnd


def _comment_write(rnd: Round, plan: Plan, text: str, by, comment=None) -> ConsolidatedComment:
    before = {"text": comment.text} if comment else None
    if comment is None:
        comment = ConsolidatedComment(round=rnd, plan=plan)
    elif comment.text == text:
        return comment
    comment.text = text
    comment.updated_by = by
    comment.save()
    audit_record(
        actor=by,
        action="review.comment",
        target=comment,
        school=plan.school,
        before=before,
        after={"text": comment.text},
    )
    return comment


def consolidated_comment_save(*, rnd: Round, plan: Plan, text: str, by) -> ConsolidatedComment:
    """The committee's consolidated comments for the school (綜合意見): no names, no
    individual scores. The school reads them once the round's results are confirmed."""
    _require_ministry(by)
    if not text.strip():
        raise ValidationError({"text": _("Write the consolidated comments.")})
    with transaction.atomic():
        if plan.pk not in {p.pk for p in selectors.round_pool(rnd)}:
            raise ReviewError(_("This application is not reviewed in this round."))
        comment = (
            ConsolidatedComment.objects.select_for_update().filter(round=rnd, plan=plan).first()
        )
        return _comment_write(rnd, plan, text.strip(), by, comment)


# --- Round 2: the site visit or interview (SEL-5) ------------------------------------------

VISIT_FIELDS = [
    "mode",
    "date",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "note_to_school",
]


def visit_save(*, rnd: Round, plan: Plan, values: dict, attendees, by) -> Visit:
    """Schedule (or move) the site visit or interview of a round-1 passer (SEL-4, SEL-5):
    date, time, place or online link, and the members attending, who are assigned to score
    it if they are not yet. The school and the members are told."""
    _require_ministry(by)
    attendees = list(attendees)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        plan = Plan.objects.select_related("school").get(pk=plan.pk)
        _refuse(checks.schedule_visit(rnd, plan))
        if not attendees:
            raise ValidationError({"attendees": _("Choose the members attending.")})
        conflicts = selectors.conflict_map(rnd.committee_id, attendees, [plan])
        for member in attendees:
            if member.committee_id != rnd.committee_id or member.removed_at:
                raise ValidationError(
                    {"attendees": _("Only members of this committee can attend.")}
                )
            if (member.pk, plan.pk) in conflicts:
                raise ValidationError(
                    {
                        "attendees": _("%(name)s cannot attend: %(reason)s (conflict of interest).")
                        % {
                            "name": member.user.display_name,
                            "reason": conflicts[(member.pk, plan.pk)],
                        }
                    }
                )
        visit = Visit.objects.select_for_update().filter(round=rnd, plan=plan).first()
        is_new = visit is None
        before = (
            None
            if is_new
            else {
                **snapshot(visit, VISIT_FIELDS),
                "attendees": sorted(visit.attendees.values_list("pk", flat=True)),
            }
        )
        if is_new:
            visit = Visit(round=rnd, plan=plan, scheduled_by=by)
        for name in VISIT_FIELDS:
            if name in values:
                setattr(visit, name, values[name])
        visit.place = (visit.place or "").strip()
        if not visit.place and not visit.online_url:
            raise ValidationError({"place": _("Give a place, an online link, or both.")})
        if visit.starts_at and visit.ends_at and visit.ends_at <= visit.starts_at:
            raise ValidationError({"ends_at": _("The visit must end after it starts.")})
        visit.full_clean(exclude=["round", "plan", "scheduled_by"])
        visit.notified_at = timezone.now()
        visit.save()
        visit.attendees.set(attendees)
        assigned = set(
            Assignment.objects.filter(round=rnd, plan=plan).values_list("member_id", flat=True)
        )
        for member in attendees:
            if member.pk not in assigned:
                member = CommitteeMember.objects.select_related("user").get(pk=member.pk)
                _assign(rnd, member, plan, by=by, method=AssignmentMethod.MANUAL)
        after = {**snapshot(visit, VISIT_FIELDS), "attendees": sorted(m.pk for m in attendees)}
        audit_record(
            actor=by,
            action="review.visit.schedule" if is_new else "review.visit.change",
            target=visit,
            school=plan.school,
            before=before,
            after=after,
        )
        context = {
            "visit": visit,
            "plan": plan,
            "round": rnd,
            "changed": not is_new,
        }
        notify(
            users=_school_staff(plan),
            subject=gettext_lazy("Your site visit or interview is scheduled"),
            template="review/email/visit_school.txt",
            context={**context, "url": reverse("applications:plan_detail", args=[plan.pk])},
        )
        notify(
            users=[m.user for m in attendees],
            subject=gettext_lazy("A site visit or interview you attend is scheduled"),
            template="review/email/visit_member.txt",
            context={**context, "url": reverse("review:visit", args=[visit.pk])},
        )
    return visit


def visit_notes_save(*, visit: Visit, notes: str, by) -> Visit:
    """The visit's notes (訪視紀錄), kept by ministry staff and the members attending."""
    _require(by, "review.edit_visit_notes", visit)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("plan__school").get(pk=visit.pk)
        before = {"notes": visit.notes}
        visit.notes = notes.strip()
        visit.notes_updated_by = by
        visit.notes_updated_at = timezone.now()
        visit.save(update_fields=["notes", "notes_updated_by", "notes_updated_at", "updated_at"])
        audit_record(
            actor=by,
            action="review.visit.notes",
            target=visit,
            school=visit.plan.school,
            before=before,
            after={"notes": visit.notes},
        )
    return visit


# --- The decision (SEL-6, BUD-5) ---------------------------------------------------------


def requested_subsidy(plan: Plan) -> dict[int, Decimal]:
    """The subsidy the plan's budget asks for, per year it plans for."""
    from applications.budget import budget_summary

    summary = budget_summary(plan)
    result = {}
    for year in plan.plan_years:
        block = summary.year(year)
        result[year] = block.money.subsidy if block else Decimal("0.000")
    return result


def decision_record(
    *,
    plan: Plan,
    approve: bool,
    by,
    amounts: dict[int, object] | None = None,
    conditions: str = "",
    reasons: str = "",
    comments: str = "",
) -> Decision:
    """Record the final decision on an application (SEL-6, BUD-5).

    Approve (核定) only after the application passed round 2, with an approved subsidy for
    every year it plans for: from 0 up to the subsidy requested, in NT$ thousand with at most
    3 decimals. An amount below the request makes the school revise its budget to fit, as a
    new version (BUD-5, in ``applications``). Reject only once the committee is done with the
    application (it failed round 1, or round 2's results are confirmed), with reasons. Either
    way the school gets the committee's consolidated comments (綜合意見) with the decision.
    The decision notice is queued for the school.
    """
    from applications.services import PlanError, plan_decide

    from .reports import DECISION_NOTICE

    _require_ministry(by)
    committee = selectors.committee_for_plan(plan)
    _refuse(_("No committee reviews this application.") if committee is None else None)
    amounts = amounts or {}
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("school", "phase").get(pk=plan.pk)
        outcomes = checks._outcomes(committee, plan)
        _refuse((checks.approve if approve else checks.reject)(committee, plan, outcomes))
        if plan.status == PlanStatus.SUBMITTED:
            # Confirmed in round 1 without ever being assigned (no reviewer was free of a
            # conflict, say): the review still took it over.
            from applications.services import plan_review_start

            plan_review_start(plan=plan, by=by)
            plan.refresh_from_db(fields=["status"])
        requested = requested_subsidy(plan)
        approved: dict[int, Decimal] = {}
        if not comments.strip():
            raise ValidationError(
                {
                    "comments": _(
                        "Write the consolidated comments: the school reads them with the decision."
                    )
                }
            )
        if approve:
            errors = {}
            for year in plan.plan_years:
                key = f"amount_{year}"
                try:
                    value = _points(amounts.get(year))
                except ValidationError:
                    errors[key] = _("Enter an amount in NT$ thousand.")
                    continue
                if value is None:
                    errors[key] = _("Give the approved subsidy for this year.")
                elif value < 0 or value != value.quantize(THREE_PLACES):
                    errors[key] = _("Enter an amount of 0 or more, with at most 3 decimals.")
                elif value > requested[year]:
                    errors[key] = _(
                        "At most the subsidy requested, %(requested)s (NT$ thousand)."
                    ) % {"requested": requested[year]}
                else:
                    approved[year] = value.quantize(THREE_PLACES)
            if not errors and not any(v > 0 for v in approved.values()):
                errors[f"amount_{plan.plan_years[0]}"] = _(
                    "Approve a subsidy for at least one year."
                )
            if errors:
                raise ValidationError(errors)
        else:
            if not reasons.strip():
                raise ValidationError({"reasons": _("Give the reasons for not approving.")})
        comment = conditions.strip() if approve else reasons.strip()
        try:
            plan_decide(
                plan=plan,
                approve=approve,
                by=by,
                comment=comment,
                amounts=approved if approve else None,
            )
        except PlanError as exc:
            raise ReviewError(str(exc)) from exc
        plan.refresh_from_db(fields=["status", "budget_revision_due"])
        decision = Decision.objects.create(
            committee=committee,
            plan=plan,
            outcome="approved" if approve else "rejected",
            amounts={str(y): str(v) for y, v in approved.items()},
            requested={str(y): str(v) for y, v in requested.items()},
            conditions=conditions.strip() if approve else "",
            reasons="" if approve else reasons.strip(),
            comments=comments.strip(),
            budget_revision_due=plan.budget_revision_due,
            decided_by=by,
        )
        audit_record(
            actor=by,
            action="review.decide",
            target=decision,
            school=plan.school,
            after={
                "outcome": decision.outcome,
                "amounts": decision.amounts,
                "requested": decision.requested,
                "conditions": decision.conditions,
                "reasons": decision.reasons,
                "comments": decision.comments,
                "budget_revision_due": decision.budget_revision_due,
            },
        )
        from portal.documents.services import document_request

        document_request(kind=DECISION_NOTICE.key, target=decision, by=by)
    return decision


@dataclass
class DecisionEntry:
    """One application of a decision taken for several at once."""

    plan: Plan
    comments: str
    amounts: dict[int, object] = field(default_factory=dict)


class _Refused(Exception):
    pass


def _refusal_text(plan: Plan, exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        parts = []
        for key, errors in exc.message_dict.items():
            prefix = ""
            if key.startswith("amount_"):
                prefix = calendar.format_academic_year(int(key.removeprefix("amount_"))) + "："
            parts.extend(prefix + str(e) for e in errors)
        message = "；".join(parts)
    elif isinstance(exc, ValidationError):
        message = "；".join(exc.messages)
    else:
        message = str(exc)
    return _("%(school)s: %(reason)s") % {"school": plan.school.name, "reason": message}


def decisions_record(
    *,
    entries: list[DecisionEntry],
    approve: bool,
    by,
    conditions: str = "",
    reasons: str = "",
) -> list[Decision]:
    """Record the same decision for several applications at once, from the committee's result
    list: approve each with its own amounts per year, or do not approve them with shared
    reasons; each with its consolidated comments. One transaction: every application is
    checked as ``decision_record`` checks one (and audited as one), and if any is refused
    nothing is recorded and every refusal is named."""
    _require_ministry(by)
    if not entries:
        raise ReviewError(_("Choose at least one application."))
    decisions: list[Decision] = []
    refusals: list[str] = []
    try:
        with transaction.atomic():
            for entry in entries:
                try:
                    with transaction.atomic():
                        decisions.append(
                            decision_record(
                                plan=entry.plan,
                                approve=approve,
                                by=by,
                                amounts=entry.amounts,
                                conditions=conditions,
                                reasons=reasons,
                                comments=entry.comments,
                            )
                        )
                except (ReviewError, ValidationError) as exc:
                    refusals.append(_refusal_text(entry.plan, exc))
            if refusals:
                raise _Refused
    except _Refused:
        raise ReviewError(
            _("No decision was recorded, because: %(refusals)s") % {"refusals": "；".join(refusals)}
        ) from None
    return decisions
