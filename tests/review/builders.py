"""Build committees, members, assignments and reviews through the review's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from review import selectors, services
from review.enums import RoundNumber
from review.models import Assignment, Committee, CommitteeMember, Round
from tests.applications.builders import open_phase_now, submitted_plan
from tests.factories import UserFactory, evaluated_school, grant


def make_committee(ministry, reviewers_per_application=2) -> Committee:
    """The open phase's committee; each round asks for two reviews per application (most
    tests score with two members)."""
    phase = open_phase_now()
    committee = services.committee_create(
        phase=phase,
        academic_year=phase.start_year,
        name=f"{phase.start_year}學年度審查委員會",
        by=ministry,
    )
    for rnd in committee.rounds.all():
        services.round_update(
            rnd=rnd, values={"reviewers_per_application": reviewers_per_application}, by=ministry
        )
    return committee


def first_round(committee) -> Round:
    return selectors.rounds_of(committee)[RoundNumber.FIRST]


def second_round(committee) -> Round:
    return selectors.rounds_of(committee)[RoundNumber.SECOND]


def open_round(rnd: Round, ministry, *, days_left=10) -> Round:
    now = timezone.now()
    return services.round_update(
        rnd=rnd,
        values={
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=days_left),
        },
        by=ministry,
    )


def close_round(rnd: Round, ministry) -> Round:
    now = timezone.now()
    return services.round_update(
        rnd=rnd,
        values={
            "opens_at": now - dt.timedelta(days=10),
            "closes_at": now - dt.timedelta(minutes=1),
        },
        by=ministry,
    )


def committee_user(username, category="expert", **scope):
    return grant(
        UserFactory(username=username, name=f"{username}委員"),
        "committee",
        committee_category=category,
        **scope,
    )


def add_member(committee, ministry, username, category="expert", **scope) -> CommitteeMember:
    user = committee_user(username, category, **scope)
    return services.committee_member_add(committee=committee, user=user, by=ministry)


def school_with_plan(n: int, **school_kwargs):
    """A new eligible school with its own coordinator and principal, and its submitted plan."""
    school = evaluated_school(scores=["85"] * 8, **school_kwargs)
    coordinator = grant(
        UserFactory(username=f"coord-{n}-{school.code}"), "coordinator", school=school
    )
    principal = grant(UserFactory(username=f"head-{n}-{school.code}"), "principal", school=school)
    return submitted_plan(school, coordinator, principal)


def points_for(rnd: Round, fraction: Decimal | str) -> dict[int, Decimal]:
    """Every criterion at ``fraction`` of its maximum (exact when the maxima allow it)."""
    fraction = Decimal(fraction)
    return {c.pk: (c.max_points * fraction).quantize(Decimal("0.01")) for c in rnd.criteria.all()}


def submit(assignment: Assignment, fraction="0.8", **kwargs):
    rnd = assignment.round
    return services.review_save(
        assignment=assignment,
        by=assignment.member.user,
        points=points_for(rnd, fraction),
        recommendation="recommend",
        comment=kwargs.pop("comment", "計畫完整，建議推薦。"),
        submit=True,
        **kwargs,
    )


def assign(rnd, member, plan, ministry) -> Assignment:
    return services.assignment_create(rnd=rnd, member=member, plan=plan, by=ministry)


def visit_values(**overrides):
    import datetime as dt

    values = {
        "mode": "site_visit",
        "date": timezone.localdate() + dt.timedelta(days=7),
        "starts_at": dt.time(9, 30),
        "ends_at": dt.time(12, 0),
        "place": "本校行政大樓三樓會議室",
        "online_url": "",
        "note_to_school": "請校長及計畫團隊出席簡報。",
    }
    return {**values, **overrides}


def confirm(*, rnd, passed, by, comments=None, **kwargs):
    """Confirm a round's results, each school's consolidated comments filled in as the page
    prefills them (the saved ones, else the reviewers' comments, else a stock sentence)."""
    drafts = selectors.round_comment_drafts(rnd)
    filled = {
        row.plan.pk: drafts.get(row.plan.pk) or "委員會綜合意見：請依審查意見持續精進。"
        for row in selectors.ranking(rnd).rows
    }
    filled.update(comments or {})
    return services.round_confirm_results(rnd=rnd, passed=passed, by=by, comments=filled, **kwargs)


def decide(*, plan, by, comments="綜合意見：計畫具體可行，請依核定金額執行。", **kwargs):
    return services.decision_record(plan=plan, by=by, comments=comments, **kwargs)


ROUND1_COMMENT = "初審綜合意見：計畫架構完整，請補強量化指標。"
ROUND2_COMMENT = "複審綜合意見：實地查訪所見與計畫相符。"


def through_round_one(committee, ministry, plan, members, fraction="0.8"):
    """Round 1 scored by ``members``, commented and confirmed with ``plan`` passing."""
    r1 = open_round(first_round(committee), ministry)
    services.round_update(rnd=r1, values={"reviewers_per_application": len(members)}, by=ministry)
    for i, member in enumerate(members):
        submit(assign(r1, member, plan, ministry), fraction, comment=f"個別委員意見{i}號")
    services.consolidated_comment_save(rnd=r1, plan=plan, text=ROUND1_COMMENT, by=ministry)
    confirm(rnd=r1, passed={plan.pk}, by=ministry)
    return r1


def through_round_two(committee, ministry, plan, members, fraction="0.85"):
    r2 = open_round(second_round(committee), ministry)
    services.round_update(rnd=r2, values={"reviewers_per_application": len(members)}, by=ministry)
    services.visit_save(rnd=r2, plan=plan, values=visit_values(), attendees=members, by=ministry)
    for a in Assignment.objects.filter(round=r2, plan=plan).select_related("member__user", "round"):
        submit(a, fraction, comment=f"複審個別意見{a.member_id}")
    services.consolidated_comment_save(rnd=r2, plan=plan, text=ROUND2_COMMENT, by=ministry)
    confirm(rnd=r2, passed={plan.pk}, by=ministry)
    return r2


def through_decision(committee, ministry, plan, members, amounts=None):
    """The whole review of ``plan``: both rounds passed, approved with ``amounts`` (default:
    the first year 2 thousand below the request)."""
    through_round_one(committee, ministry, plan, members)
    through_round_two(committee, ministry, plan, members)
    requested = services.requested_subsidy(plan)
    if amounts is None:
        amounts = dict(requested)
        first = plan.plan_years[0]
        amounts[first] = requested[first] - 2
    return decide(
        plan=plan,
        approve=True,
        amounts=amounts,
        conditions="請依核定金額修正經費概算表。",
        by=ministry,
    )
