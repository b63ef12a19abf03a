"""Demo data for the committee review: a committee of seven for the open phase, round 1 in
progress with reviewers assigned automatically (conflicts of interest excluded), most reviews
in, and the demo accounts ``reviewer`` and ``principal`` with applications left to score.

Idempotent: each step finds what is there and adds only what is missing. Everything goes
through the services, so the audit trail and the rules are the real ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from portal.accounts.enums import CommitteeCategory, Role
from portal.accounts.models import RoleGrant, User
from portal.demo import DEMO_PASSWORD
from portal.programme import calendar

from . import selectors, services
from .enums import AssignmentStatus, Recommendation, RoundNumber
from .models import Committee, CommitteeMember, Review

# username, name, title, category, affiliation
MEMBERS = [
    (
        "reviewer-expert2",
        "劉教授",
        "教授",
        CommitteeCategory.EXPERT,
        "國立臺北科技大學技術及職業教育研究所",
    ),
    (
        "reviewer-industry",
        "周總經理",
        "總經理",
        CommitteeCategory.INDUSTRY,
        "臺灣精密機械股份有限公司",
    ),
    ("reviewer-parent", "許理事長", "理事長", CommitteeCategory.PARENT, "全國家長團體聯盟"),
    ("reviewer-teacher", "鄭老師", "理事", CommitteeCategory.TEACHER, "全國教師工會總聯合會"),
    ("reviewer-authority", "蔡科長", "科長", CommitteeCategory.AUTHORITY, "教育部國民及學前教育署"),
]
CONVENER = "reviewer-expert2"

#: How lenient each seeded reviewer is (added to the school's quality, out of 1).
BIAS = {
    "reviewer-expert2": Decimal("-0.02"),
    "reviewer-industry": Decimal("0.03"),
    "reviewer-parent": Decimal("0.06"),
    "reviewer-teacher": Decimal("-0.05"),
    "reviewer-authority": Decimal("0"),
}

COMMENTS = {
    Recommendation.RECOMMEND: "計畫架構完整，各子計畫目標與策略具體，經費編列合理，建議推薦。",
    Recommendation.REVISE: "計畫方向可行，惟部分子計畫之量化指標不夠明確，設備費之必要性宜再說明。",
    Recommendation.REJECT: "現況分析與子計畫之連結不足，經費編列偏重設備，預期成效難以衡量。",
}


def _member_user(username, name, title, category, affiliation) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"name": name, "title": title, "email": f"{username}@example.edu.tw"},
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    RoleGrant.objects.get_or_create(
        user=user,
        role=Role.COMMITTEE,
        revoked_at__isnull=True,
        defaults={"committee_category": category, "affiliation": affiliation},
    )
    user.__dict__.pop("active_grants", None)
    return user


def _ensure_plans(phase) -> None:
    """The applications' demo makes the submitted plans; run it if it has not run yet."""
    from applications.enums import PlanStatus
    from applications.models import Plan

    if not Plan.objects.filter(phase=phase, status=PlanStatus.SUBMITTED).exists():
        from applications import demo as applications_demo

        applications_demo.seed()


def seed_committee(ministry) -> Committee | None:
    from applications.services import open_phase

    phase = open_phase()
    if phase is None:
        return None
    _ensure_plans(phase)
    committee = Committee.objects.filter(phase=phase, academic_year=phase.start_year).first()
    if committee is None:
        committee = services.committee_create(
            phase=phase,
            academic_year=phase.start_year,
            name=f"{phase.start_year}學年度高職優質化輔助方案審查委員會",
            notes="依「高職優質化輔助方案」組成，辦理初審（書面審查）及複審（實地查訪）。",
            by=ministry,
        )
        today = calendar.taipei_today()
        rounds = selectors.rounds_of(committee)
        services.round_update(
            rnd=rounds[RoundNumber.FIRST],
            values={
                "opens_at": calendar.start_of_day(today - dt.timedelta(days=3)),
                "closes_at": services.end_of_day(today + dt.timedelta(days=14)),
            },
            by=ministry,
        )
    users = [User.objects.get(username="reviewer"), User.objects.get(username="principal")]
    users += [_member_user(*row) for row in MEMBERS]
    present = set(
        CommitteeMember.objects.filter(committee=committee, removed_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    for user in users:
        if user.pk not in present:
            services.committee_member_add(
                committee=committee, user=user, by=ministry, is_convener=user.username == CONVENER
            )
    return committee


def _points(maximum: Decimal, quality: Decimal) -> Decimal:
    value = max(Decimal("0.4"), min(Decimal("1"), quality)) * maximum
    return (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def seed_round_one(ministry, committee) -> None:
    first = selectors.rounds_of(committee)[RoundNumber.FIRST]
    if first.is_confirmed:
        return
    if not first.assignments.exists():
        services.assignments_auto(rnd=first, by=ministry)
    criteria = selectors.criteria_of(first)
    pool = selectors.round_pool(first)
    quality = {plan.pk: Decimal("0.60") + Decimal("0.04") * (i % 8) for i, plan in enumerate(pool)}
    for assignment in first.assignments.select_related("member__user", "plan__school"):
        username = assignment.member.user.username
        if username not in BIAS or assignment.status != AssignmentStatus.ACTIVE:
            continue
        if Review.objects.filter(assignment=assignment).exists():
            continue
        base = quality.get(assignment.plan_id, Decimal("0.75")) + BIAS[username]
        points = {
            c.pk: _points(
                c.max_points, base + Decimal((c.order * 7 + assignment.plan_id) % 5 - 2) / 50
            )
            for c in criteria
        }
        from . import aggregation

        total = aggregation.weighted_total((points[c.pk], c.max_points, c.weight) for c in criteria)
        recommendation = (
            Recommendation.RECOMMEND
            if total >= 80
            else Recommendation.REVISE
            if total >= 70
            else Recommendation.REJECT
        )
        services.review_save(
            assignment=assignment,
            by=assignment.member.user,
            points=points,
            comments={},
            recommendation=recommendation,
            comment=COMMENTS[recommendation],
            submit=True,
        )
    # The demo reviewer has started one review: a draft with the school's criteria scored.
    reviewer = User.objects.get(username="reviewer")
    mine = list(
        first.assignments.filter(member__user=reviewer, status=AssignmentStatus.ACTIVE).order_by(
            "pk"
        )
    )
    if mine and not Review.objects.filter(assignment__in=mine).exists():
        services.review_save(
            assignment=mine[0],
            by=reviewer,
            points={c.pk: _points(c.max_points, Decimal("0.8")) for c in criteria[:7]},
            comments={criteria[0].pk: "學制完整，群科規模適中。"},
        )


@transaction.atomic
def seed():
    ministry = User.objects.get(username="ministry")
    committee = seed_committee(ministry)
    if committee is not None:
        seed_round_one(ministry, committee)
