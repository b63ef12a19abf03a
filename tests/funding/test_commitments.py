"""What is committed against each year's budget (APP-7): every approved amount of every plan,
on exact decimals; later years provisional until they start; released when support ends
before the year starts, lowered when the assessment reduces an amount. The clock stands in
115學年度 (FIXED_NOW)."""

from decimal import Decimal as D

import pytest
import time_machine

from applications import services as plan_services
from applications.enums import YearStatus
from funding import selectors
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_plans(make_plan, ministry):
    a = make_plan(SchoolFactory(), 114, {114: "100.001", 115: "200.002", 116: "300.003"})
    b = make_plan(SchoolFactory(), 115, {115: "10.010", 116: "20.020", 117: "30.030"})
    c = make_plan(SchoolFactory(), 116, {116: "1.100", 117: "2.200", 118: "3.300"})
    return a, b, c


def test_app7_commitments_firm_and_provisional_on_exact_decimals(three_plans):
    sums = selectors.commitments([114, 115, 116, 117, 118])
    assert sums == {
        114: (D("100.001"), D("0")),
        115: (D("210.012"), D("0")),
        # year 3 of a, year 2 of b: provisional; year 1 of c: committed.
        116: (D("1.100"), D("320.023")),
        117: (D("0"), D("32.230")),
        118: (D("0"), D("3.300")),
    }


def test_app7_provisional_becomes_committed_when_its_year_starts(three_plans):
    with time_machine.travel("2027-08-01 00:00 +0800", tick=False):
        sums = selectors.commitments([116, 117])
    assert sums == {116: (D("321.123"), D("0")), 117: (D("0"), D("32.230"))}


def test_app7_reduced_amount_counts_as_reduced(three_plans, ministry):
    _a, b, _c = three_plans
    plan_services.year_amount_set(
        plan=b, academic_year=116, amount=D("15.005"), note="減列", by=ministry
    )
    assert selectors.commitments([116])[116] == (D("1.100"), D("315.008"))


def test_app7_support_ended_releases_the_years_not_started(three_plans, ministry):
    """The assessment ends support: the year assessed stays spent, the later years are
    released — whenever the outcome is decided."""
    _a, b, _c = three_plans
    for year in (115, 116, 117):
        plan_services.year_status_set(
            plan=b, academic_year=year, status=YearStatus.TERMINATED, note="終止", by=ministry
        )
    sums = selectors.commitments([115, 116, 117])
    assert sums == {
        115: (D("210.012"), D("0")),
        116: (D("1.100"), D("300.003")),
        117: (D("0"), D("2.200")),
    }
    # Still released once those years start.
    with time_machine.travel("2028-08-02 00:00 +0800", tick=False):
        assert selectors.commitments([116, 117]) == {
            116: (D("301.103"), D("0")),
            117: (D("2.200"), D("0")),
        }


def test_app7_exclude_plan_leaves_its_own_amounts_out(three_plans):
    a, _b, c = three_plans
    assert selectors.commitments([116], exclude_plan=c) == {116: (D("0"), D("320.023"))}
    assert selectors.commitments([116], exclude_plan=a) == {116: (D("1.100"), D("20.020"))}


def test_app7_positions_free_is_budget_less_all_commitments(three_plans, envelope):
    envelope(116, "400")
    position = selectors.positions([116, 117])
    assert [(p.academic_year, p.amount, p.total, p.free) for p in position] == [
        (116, D("400.000"), D("321.123"), D("78.877")),
        (117, None, D("32.230"), None),
    ]


def test_app7_commitments_always_equal_a_recount(three_plans, ministry):
    """The sums follow the data: after each change they equal a recount of the rows."""
    from applications.models import PlanYear

    def recount(year):
        total = D("0")
        for row in PlanYear.objects.filter(academic_year=year, approved_amount__isnull=False):
            ended_before = PlanYear.objects.filter(
                plan=row.plan, status=YearStatus.TERMINATED, academic_year__lt=year
            ).exists()
            if row.status != YearStatus.TERMINATED or not ended_before:
                total += row.approved_amount
        return total

    a, b, _c = three_plans
    plan_services.year_amount_set(plan=a, academic_year=116, amount=D("1"), note="", by=ministry)
    plan_services.year_status_set(
        plan=b, academic_year=117, status=YearStatus.TERMINATED, note="", by=ministry
    )
    for year in (114, 115, 116, 117, 118):
        committed, provisional = selectors.commitments([year])[year]
        assert committed + provisional == recount(year)


def test_app7_by_region_splits_the_year(three_plans):
    rows = [r for r in selectors.by_region(116) if r.plans]
    assert sum(r.total for r in rows) == D("321.123")
    assert sum(r.plans for r in rows) == 3


def test_app7_support_ended_late_still_releases_the_later_years(three_plans, ministry):
    """An outcome decided after the next year began (its year could not start before the
    outcome) still releases that year."""
    _a, b, _c = three_plans
    with time_machine.travel("2027-09-01 10:00 +0800", tick=False):
        for year in (115, 116, 117):
            plan_services.year_status_set(
                plan=b, academic_year=year, status=YearStatus.TERMINATED, note="", by=ministry
            )
        assert selectors.commitments([115, 116, 117]) == {
            115: (D("210.012"), D("0")),
            116: (D("301.103"), D("0")),
            117: (D("0"), D("2.200")),
        }


def test_app7_breakdown_splits_approved_budgets_by_door_and_item(
    school, coordinator, principal, ministry, envelope
):
    """經常門 and 資本門 of the approved plans' budgets (equipment is 資本門), beside the
    budget's own split; and by the programme's items."""
    from applications.enums import PlanStatus
    from review.services import requested_subsidy
    from tests.applications.builders import plan_in

    plan = plan_in(
        PlanStatus.APPROVED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    year = plan.plan_years[0]
    envelope(year, "1000", recurrent="700", capital="300")
    detail = selectors.breakdown(year)
    (rec_label, rec_budget, rec), (cap_label, cap_budget, cap) = detail.items
    assert (rec_label, rec_budget, cap_label, cap_budget) == (
        "經常門",
        D("700.000"),
        "資本門",
        D("300.000"),
    )
    assert rec + cap == requested_subsidy(plan)[year]
    assert sum(v for _label, v in detail.programme_items) == rec + cap
