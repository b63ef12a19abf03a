"""The committee, its members, its rounds and their rubrics (SEL-1, SEL-2, SEL-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.audit.services import audit_record, snapshot
from portal.programme import calendar

from .. import checks
from ..enums import (
    ROUND_KINDS,
    USES_THRESHOLD,
    USES_TOP_N,
    ReviewStatus,
    RoundKind,
    RoundNumber,
)
from ..models import (
    Committee,
    CommitteeMember,
    Criterion,
    Review,
    Round,
    Score,
)
from ..rubric import default_criteria
from ._base import (
    ReviewError,
    _lock_round,
    _refuse,
    _refuse_if_confirmed,
    _require_ministry,
)

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
