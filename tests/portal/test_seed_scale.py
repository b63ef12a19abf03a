"""seed_scale: the benchmark's national-scale data is valid data, built through the services,
extended by what apps register, and never loaded on a production settings or twice."""

from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from applications.enums import PlanStatus, SectionKey
from applications.models import BudgetLine, Plan, SubPlan
from applications.selectors import mandatory_items, plan_checklist
from portal import registry, scale
from portal.accounts.models import User
from portal.schools.models import School
from portal.schools.selectors import school_eligibility
from review import aggregation, selectors
from review.enums import AssignmentStatus, ReviewStatus, RoundNumber
from review.models import Assignment, Committee, Review

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCHOOLS, DRAFTS = 4, 1

#: What this module's own scale stage saw (it is registered while the module seeds).
SEEN: list[dict] = []


def build(ctx):
    """A scale stage as an app would register it: it runs after the built-in ones."""
    SEEN.append({"plans": len(ctx.plans), "committee": ctx.committee is not None})


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        registry.register_scale(__name__)
        try:
            out = StringIO()
            with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
                call_command(
                    "seed_scale",
                    schools=SCHOOLS,
                    drafts=DRAFTS,
                    jobs=1,
                    stdout=out,
                )
            yield out.getvalue()
        finally:
            registry._SCALE[:] = [(o, n) for o, n in registry._SCALE if n != __name__]
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def scale_plans():
    """The applications of the open phase (the running programme's approved plans of the
    phase in force are the indicators' stage's, tested in tests/indicators/test_scale.py)."""
    from applications.services import open_phase

    return list(
        Plan.objects.filter(school__code__startswith=scale.CODE_PREFIX, phase=open_phase())
        .select_related("school", "phase")
        .order_by("school__code")
    )


def test_seed_scale_builds_the_schools_plans_and_committee(seeded):
    plans = scale_plans()
    assert [p.school.code for p in plans] == ["S00001", "S00002", "S00003", "S00004"]
    assert [p.status for p in plans] == [PlanStatus.UNDER_REVIEW] * 3 + [PlanStatus.DRAFT]
    assert [p.versions.count() for p in plans] == [1, 1, 1, 0]
    assert [SubPlan.objects.filter(plan=p).count() for p in plans] == [6] * 4
    assert [BudgetLine.objects.filter(plan=p).count() for p in plans] == [40] * 4
    # Each plan's sub-plans: every mandatory item (ITEM-2, ITEM-3) and one exchange (APP-6).
    for plan in plans:
        items = set(SubPlan.objects.filter(plan=plan).values_list("item", flat=True))
        assert set(mandatory_items(plan)) <= items
        assert SubPlan.objects.filter(plan=plan, is_exchange=True).count() == 1
    assert "Scale data ready: 4 schools" in seeded


def test_seed_scale_schools_are_eligible_and_staffed(seeded):
    """ELIG-1: every scale school's latest evaluation has every item at 80 or more."""
    schools = School.objects.filter(code__startswith=scale.CODE_PREFIX)
    assert [school_eligibility(s).eligible for s in schools] == [True] * SCHOOLS
    users = User.objects.filter(username__startswith="scale-s0000")
    assert sorted(u.roles[0] for u in users) == ["coordinator"] * 4 + ["principal"] * 4
    assert User.objects.get(username=scale.MINISTRY_USERNAME).roles == ["ministry"]
    assert User.objects.get(username="scale-reviewer-0001").check_password(scale.SCALE_PASSWORD)


def test_seed_scale_plans_pass_their_own_checklist(seeded):
    """ITEM-1 … ITEM-3, APP-2 … APP-7, NOTE-2, BUD-1 … BUD-5, ELIG-1: nothing is missing,
    the draft included (it is complete, just not sent)."""
    for plan in scale_plans():
        failing = [(c.code, str(c.label), c.detail) for c in plan_checklist(plan) if not c.ok]
        assert failing == [], plan.school.code
        sections = {s.key: s.data for s in plan.sections.all()}
        assert sections[SectionKey.SIGNOFF]["principal"] == "林校長"


def test_seed_scale_budget_lines_are_consistent(seeded):
    """BUD-1, BUD-4: every line's total is quantity × unit price, split into subsidy and own
    funds, and no personnel cost is subsidised."""
    lines = BudgetLine.objects.filter(plan__school__code__startswith=scale.CODE_PREFIX)
    assert all(line.total == line.quantity * line.unit_price for line in lines)
    assert all(line.total == line.subsidy + line.own_funds for line in lines)
    assert not lines.filter(expense_type="personnel", subsidy__gt=0).exists()


def test_seed_scale_committee_assigns_five_reviewers_per_application(seeded):
    """SEL-3, SEL-4: five active reviewers for each submitted application."""
    committee = Committee.objects.get()
    rnd = committee.rounds.get(number=RoundNumber.FIRST)
    assert rnd.reviewers_per_application == 5
    per_plan = {}
    for a in Assignment.objects.filter(round=rnd, status=AssignmentStatus.ACTIVE):
        per_plan.setdefault(a.plan.school.code, set()).add(a.member_id)
    assert {code: len(members) for code, members in per_plan.items()} == {
        "S00001": 5,
        "S00002": 5,
        "S00003": 5,
    }
    # The first reviewer keeps two applications to score; every other review is submitted.
    reviews = Review.objects.filter(assignment__round=rnd)
    assert reviews.filter(status=ReviewStatus.SUBMITTED).count() == 15 - 2
    assert not reviews.filter(assignment__member__user__username="scale-reviewer-0001").exists()


def test_seed_scale_scores_aggregate_correctly(seeded):
    """SEL-1, SEL-2, SEL-4: each review's total is the weighted total of its points, and
    the ranking's score of each application is the mean of its submitted totals, rounded
    half up to 2 places."""
    rnd = Committee.objects.get().rounds.get(number=RoundNumber.FIRST)
    criteria = {c.pk: c for c in rnd.criteria.all()}
    totals = {}
    for review in Review.objects.filter(assignment__round=rnd, status=ReviewStatus.SUBMITTED):
        scores = list(review.scores.all())
        assert len(scores) == len(criteria)
        expected = aggregation.weighted_total(
            (s.points, criteria[s.criterion_id].max_points, criteria[s.criterion_id].weight)
            for s in scores
        )
        assert review.total == expected
        totals.setdefault(review.assignment.plan_id, []).append(review.total)
    ranking = selectors.ranking(rnd)
    assert len(ranking.rows) == 3
    for row in ranking.rows:
        values = totals[row.plan.pk]
        by_hand = (sum(values, Decimal(0)) / len(values)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert row.raw == by_hand
        assert row.missing == 5 - len(values)
    finals = [row.final for row in ranking.rows]
    assert finals == sorted(finals, reverse=True)


def test_seed_scale_runs_the_registered_stages(seeded):
    """An app's stage (portal.registry.register_scale) runs after the plans and review."""
    assert SEEN == [{"plans": SCHOOLS, "committee": True}]


def test_seed_scale_refuses_a_second_run(seeded):
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", schools=2, jobs=1, stdout=StringIO())
    assert School.objects.filter(code__startswith=scale.CODE_PREFIX).count() == SCHOOLS


def test_seed_scale_refused_with_debug_off(settings):
    settings.DEBUG = False
    before = School.objects.count(), Plan.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_scale", schools=2, jobs=1, stdout=StringIO())
    assert (School.objects.count(), Plan.objects.count(), User.objects.count()) == before


def test_seed_hasher_hashes_are_checked_by_the_portals_own_hasher(settings):
    """The seed hashes with fewer PBKDF2 iterations; the portal's hasher, reading the
    iterations from the hash, accepts the password (and upgrades it at first login)."""
    from django.contrib.auth.hashers import check_password, identify_hasher

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    encoded = scale.SeedPasswordHasher().encode(scale.SCALE_PASSWORD, "scalesalt123")
    assert check_password(scale.SCALE_PASSWORD, encoded)
    assert not check_password("wrong", encoded)
    assert identify_hasher(encoded).must_update(encoded)
