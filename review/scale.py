"""The committee review of the national-scale data set (``manage.py seed_scale``; see
``portal.scale``).

Through the review's services: the open phase's committee (``committee_create``, or the one
already there), every scale reviewer added (``committee_member_add``, SEL-3), round 1 open
for scoring with five reviewers per application (``round_update``), the assignment made by
``assignments_auto`` (conflicts of interest excluded, load balanced), and the reviews scored
and submitted with ``review_save`` (SEL-1, SEL-2). About one review in forty is left
unsubmitted (half of them drafts), and the first scale reviewer keeps two applications to
score, so that the progress board and the reviewer's list show work in progress.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from portal.programme import calendar

from . import selectors, services
from .aggregation import weighted_total
from .enums import Recommendation, RoundNumber
from .models import Committee

#: One assignment in this many is left unsubmitted.
UNSUBMITTED_EVERY = 40

COMMENTS = {
    Recommendation.RECOMMEND: "計畫架構完整，各子計畫目標與策略具體，經費編列合理，建議推薦。",
    Recommendation.REVISE: "計畫方向可行，惟部分子計畫之量化指標不夠明確，宜再補強。",
    Recommendation.REJECT: "現況分析與子計畫之連結不足，預期成效難以衡量。",
}


def points(maximum: Decimal, quality: Decimal) -> Decimal:
    """``quality`` (a share of the maximum, kept within 0.4 … 1) in half points."""
    value = max(Decimal("0.4"), min(Decimal("1"), quality)) * maximum
    return (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def scores_for(assignment, criteria) -> tuple[dict[int, Decimal], str]:
    """A reviewer's points for one application, and the recommendation they lead to."""
    quality = Decimal("0.62") + Decimal(assignment.plan_id % 9) * Decimal("0.04")
    bias = Decimal((assignment.member_id % 5) - 2) / 50
    values = {
        c.pk: points(
            c.max_points, quality + bias + Decimal((c.order * 7 + assignment.pk) % 5 - 2) / 50
        )
        for c in criteria
    }
    total = weighted_total((values[c.pk], c.max_points, c.weight) for c in criteria)
    recommendation = (
        Recommendation.RECOMMEND
        if total >= 80
        else Recommendation.REVISE
        if total >= 70
        else Recommendation.REJECT
    )
    return values, recommendation


def _committee(ctx) -> Committee:
    from applications.services import open_phase

    phase = open_phase()
    committee = Committee.objects.filter(phase=phase, academic_year=phase.start_year).first()
    if committee is None:
        committee = services.committee_create(
            phase=phase,
            academic_year=phase.start_year,
            name=f"{phase.start_year}學年度高職優質化輔助方案審查委員會",
            by=ctx.ministry,
        )
    return committee


def build(ctx) -> None:
    _RUBRICS.clear()
    if ctx.drafts >= len(ctx.schools):
        ctx.log("no submitted plan: no committee review")
        return
    ministry = ctx.ministry
    committee = _committee(ctx)
    ctx.committee = committee
    with transaction.atomic():
        for i, user in enumerate(ctx.reviewers):
            services.committee_member_add(
                committee=committee, user=user, by=ministry, is_convener=i == 0
            )
    first = selectors.rounds_of(committee)[RoundNumber.FIRST]
    today = calendar.taipei_today()
    first = services.round_update(
        rnd=first,
        values={
            "opens_at": calendar.start_of_day(today - dt.timedelta(days=3)),
            "closes_at": services.end_of_day(today + dt.timedelta(days=14)),
            "reviewers_per_application": 5,
        },
        by=ministry,
    )
    result = services.assignments_auto(rnd=first, by=ministry)
    ctx.log(f"{len(result.created)} assignments, {len(result.short)} applications short")
    if not ctx.with_reviews:
        return
    keep_for_bench = ctx.reviewers[0].pk if ctx.reviewers else None
    kept = 0
    work = []
    assignments = first.assignments.select_related("member").order_by("pk")
    for n, assignment in enumerate(assignments, 1):
        if assignment.member.user_id == keep_for_bench and kept < 2:
            kept += 1
            continue
        unsubmitted = n % UNSUBMITTED_EVERY == 0
        if unsubmitted and n % (2 * UNSUBMITTED_EVERY):
            continue  # not started
        work.append((assignment.pk, not unsubmitted))
    submitted = sum(ctx.in_parallel(_score, work))
    ctx.log(f"{submitted} reviews submitted, {len(work) - submitted} drafts")


#: Each round's rubric, read once per process: it cannot change once scoring began (SEL-1).
_RUBRICS: dict[int, list] = {}


def _criteria(rnd) -> list:
    if rnd.pk not in _RUBRICS:
        _RUBRICS[rnd.pk] = selectors.criteria_of(rnd)
    return _RUBRICS[rnd.pk]


def _score(work: tuple[int, bool]) -> int:
    """One reviewer's review of one application, saved (and submitted) by the reviewer."""
    from .models import Assignment

    assignment_id, submit = work
    assignment = Assignment.objects.select_related("member__user", "round").get(pk=assignment_id)
    values, recommendation = scores_for(assignment, _criteria(assignment.round))
    services.review_save(
        assignment=assignment,
        by=assignment.member.user,
        points=values,
        recommendation=recommendation,
        comment=COMMENTS[recommendation],
        submit=submit,
    )
    return int(submit)
