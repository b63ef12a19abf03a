"""Two ministry staff approving at the same moment cannot both spend the last of a year's
budget (APP-7): the decision locks the year's budget row (SELECT … FOR UPDATE) before it
counts what is committed, so the second approval is counted after the first.

Runs on PostgreSQL (SQLite serialises every write anyway and has no row locks): skipped on
SQLite, and a failure instead when CI=true without PostgreSQL. To run it here:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/envelope pytest tests/funding/test_concurrency.py
"""

import contextlib
import os
import threading
from decimal import Decimal as D

import pytest
from django.db import close_old_connections, connection

from funding import selectors
from review import services
from review.models import Assignment, Decision
from review.services import ReviewError
from tests.review import builders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true but the suite is not on PostgreSQL: the parallel approvals must run"
            )
        pytest.skip("Row locks are a PostgreSQL matter")


@pytest.fixture
def both_passed(postgresql, committee, ministry, expert, industry, plan, other_plan):
    r1 = builders.open_round(builders.first_round(committee), ministry)
    for p in (plan, other_plan):
        for member in (expert, industry):
            builders.submit(builders.assign(r1, member, p, ministry), "0.9")
    builders.confirm(rnd=r1, passed={plan.pk, other_plan.pk}, by=ministry)
    r2 = builders.open_round(builders.second_round(committee), ministry)
    for p in (plan, other_plan):
        services.visit_save(
            rnd=r2,
            plan=p,
            values=builders.visit_values(),
            attendees=[expert, industry],
            by=ministry,
        )
    for a in Assignment.objects.filter(round=r2).select_related("member__user", "round"):
        builders.submit(a, "0.85")
    builders.confirm(rnd=r2, passed={plan.pk, other_plan.pk}, by=ministry)
    return committee


def test_app7_parallel_approvals_cannot_both_spend_the_last_of_the_budget(
    both_passed, ministry, plan, other_plan, envelope, monkeypatch
):
    first = plan.plan_years[0]
    mine = services.requested_subsidy(plan)
    theirs = services.requested_subsidy(other_plan)
    # Room for either approval, not both.
    envelope(first, max(mine[first], theirs[first]))
    for year in plan.plan_years[1:]:
        envelope(year, mine[year] + theirs[year] + D("1000"))

    # Hold each approval for a moment right after it counted the commitments: without the
    # row lock both would count before either wrote, and both would pass.
    barrier = threading.Barrier(2)
    counted = selectors.commitments

    def slow_commitments(*args, **kwargs):
        result = counted(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return result

    monkeypatch.setattr(selectors, "commitments", slow_commitments)
    start = threading.Barrier(2)
    outcomes = {}

    def approve(name, p, amounts):
        try:
            start.wait(timeout=10)
            builders.decide(plan=p, approve=True, amounts=amounts, by=ministry)
            outcomes[name] = "approved"
        except ReviewError as exc:
            outcomes[name] = str(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=approve, args=("mine", plan, mine)),
        threading.Thread(target=approve, args=("theirs", other_plan, theirs)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o == "approved" for o in outcomes.values()) == [False, True]
    refusal = next(o for o in outcomes.values() if o != "approved")
    assert "超出本方案年度預算" in refusal
    assert Decision.objects.count() == 1
    position = selectors.positions([first])[0]
    assert position.free >= 0


def test_app7_budget_check_locks_the_year_so_parallel_checks_count_in_turn(
    postgresql, ministry, make_plan, envelope, monkeypatch
):
    """The check itself, in two transactions at once, each writing its approved amount as
    the decision does: the second counts only after the first committed."""
    from django.db import transaction

    from applications.enums import YearStatus
    from applications.models import PlanYear
    from funding.checks import approval_refusal
    from tests.factories import SchoolFactory

    envelope(116, "100")
    plans = [make_plan(SchoolFactory(), 116, {}) for _ in range(2)]
    barrier = threading.Barrier(2)
    counted = selectors.commitments

    def slow_commitments(*args, **kwargs):
        result = counted(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return result

    monkeypatch.setattr(selectors, "commitments", slow_commitments)
    outcomes = []

    def approve(p):
        try:
            with transaction.atomic():
                reason = approval_refusal(p, {116: D("60")})
                if reason is None:
                    PlanYear.objects.create(
                        plan=p,
                        academic_year=116,
                        approved_amount=D("60"),
                        status=YearStatus.ACTIVE,
                        set_by=ministry,
                    )
                outcomes.append(reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(reason is None for reason in outcomes) == [False, True]
    assert PlanYear.objects.filter(academic_year=116).count() == 1
    assert selectors.positions([116])[0].free == D("40.000")
