"""Approvals that fit the programme's budget of each year (APP-7, 捌-一): exactly what is left
is accepted, one thousandth more is refused with the amount over; several decisions at once
are counted together; the decision pages show each year's budget."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from applications.enums import PlanStatus
from applications.models import PlanYear
from portal.programme import calendar
from review import services
from review.models import Assignment, Decision
from review.services import DecisionEntry, ReviewError
from tests.factories import SchoolFactory
from tests.review import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_passed(committee, ministry, expert, industry, plan, other_plan):
    """``plan`` and ``other_plan`` through both rounds, both passing, not yet decided."""
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


@pytest.fixture
def committed_elsewhere(make_plan, plan):
    """Another school's approved plan, 1,000.500 committed in the plan's first year."""
    first = plan.plan_years[0]
    return make_plan(SchoolFactory(), first, {first: "1000.500"})


def _budget_leaving(envelope, plan, left: D):
    """Budgets for every year of ``plan``: the first leaves ``left`` after the request (on top
    of 1,000.500 committed elsewhere); the later ones are generous."""
    requested = services.requested_subsidy(plan)
    first = plan.plan_years[0]
    envelope(first, D("1000.500") + requested[first] + left)
    for year in plan.plan_years[1:]:
        envelope(year, requested[year] + D("100000"))
    return requested


def test_app7_approval_of_exactly_what_is_left_is_accepted(
    both_passed, ministry, plan, committed_elsewhere, envelope
):
    requested = _budget_leaving(envelope, plan, D("0"))
    decision = builders.decide(plan=plan, approve=True, amounts=requested, by=ministry)
    assert decision.outcome == "approved"
    first = plan.plan_years[0]
    assert PlanYear.objects.get(plan=plan, academic_year=first).approved_amount == requested[first]
    from funding import selectors

    assert selectors.positions([first])[0].free == D("0.000")


def test_app7_approval_one_thousandth_over_is_refused_with_the_amount_over(
    both_passed, ministry, plan, committed_elsewhere, envelope, english
):
    requested = _budget_leaving(envelope, plan, D("-0.001"))
    first = plan.plan_years[0]
    with pytest.raises(ReviewError) as exc:
        builders.decide(plan=plan, approve=True, amounts=requested, by=ministry)
    budget = D("1000.500") + requested[first] - D("0.001")
    assert str(exc.value) == (
        f"{calendar.format_academic_year(first)} would exceed the programme budget by 0.001 "
        "(NT$ thousand): "
        f"budget {budget:,.3f}, already committed 1,000.500, this approval "
        f"{requested[first]:,.3f}. Raise the programme budget first, or approve less."
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW
    assert not Decision.objects.filter(plan=plan).exists()
    assert not PlanYear.objects.filter(plan=plan).exists()


def test_app7_approval_fits_after_the_budget_is_raised(
    both_passed, ministry, plan, committed_elsewhere, envelope
):
    requested = _budget_leaving(envelope, plan, D("-0.001"))
    first = plan.plan_years[0]
    envelope(first, D("1000.500") + requested[first])
    assert builders.decide(plan=plan, approve=True, amounts=requested, by=ministry).outcome == (
        "approved"
    )


def test_app7_approval_less_than_requested_fits(
    both_passed, ministry, plan, committed_elsewhere, envelope
):
    requested = _budget_leaving(envelope, plan, D("-5"))
    first = plan.plan_years[0]
    amounts = {**requested, first: requested[first] - 5}
    assert builders.decide(plan=plan, approve=True, amounts=amounts, by=ministry).outcome == (
        "approved"
    )


def test_app7_year_without_budget_is_not_limited(both_passed, ministry, plan, committed_elsewhere):
    requested = services.requested_subsidy(plan)
    assert builders.decide(plan=plan, approve=True, amounts=requested, by=ministry).outcome == (
        "approved"
    )


def test_app7_rejection_is_never_limited(both_passed, ministry, plan, envelope):
    envelope(plan.plan_years[0], "0")
    decision = builders.decide(plan=plan, approve=False, reasons="未達標準", by=ministry)
    assert decision.outcome == "rejected"


def test_app7_bulk_decisions_are_counted_together(
    both_passed, ministry, plan, other_plan, envelope, english
):
    """Each fits alone, not both: nothing is recorded and the second is named."""
    first = plan.plan_years[0]
    mine = services.requested_subsidy(plan)
    theirs = services.requested_subsidy(other_plan)
    envelope(first, mine[first] + theirs[first] - D("0.001"))
    for year in plan.plan_years[1:]:
        envelope(year, mine[year] + theirs[year] + D("1000"))
    with pytest.raises(ReviewError) as exc:
        services.decisions_record(
            entries=[
                DecisionEntry(plan=plan, amounts=mine, comments="甲校意見"),
                DecisionEntry(plan=other_plan, amounts=theirs, comments="乙校意見"),
            ],
            approve=True,
            by=ministry,
        )
    message = str(exc.value)
    assert message.startswith("No decision was recorded, because: ")
    assert other_plan.school.name in message
    assert plan.school.name not in message
    assert "would exceed the programme budget by 0.001 (NT$ thousand)" in message
    assert Decision.objects.count() == 0
    assert PlanYear.objects.count() == 0


def test_app7_decision_page_shows_each_years_budget(
    both_passed, ministry, plan, committed_elsewhere, envelope, client_for
):
    requested = _budget_leaving(envelope, plan, D("-0.001"))
    first = plan.plan_years[0]
    response = client_for(ministry).get(reverse("review:plan_review", args=[plan.pk]))
    panel = response.context["decision_panels"][0]
    assert 'id="budget-panel"' in panel
    budget = D("1000.500") + requested[first] - D("0.001")
    assert f"{budget:,.3f}" in panel
    assert "-0.001" in panel
    assert "超出預算" in panel


def test_app7_bulk_decision_page_shows_the_budget(
    both_passed, ministry, plan, other_plan, envelope, client_for
):
    first = plan.plan_years[0]
    envelope(first, "5")
    response = client_for(ministry).get(reverse("review:decisions", args=[both_passed.pk]))
    panel = response.context["decision_panels"][0]
    assert "5.000" in panel
    assert "超出預算" in panel


def test_app7_refusal_on_the_decision_page_keeps_what_was_typed(
    both_passed, ministry, plan, committed_elsewhere, envelope, client_for
):
    requested = _budget_leaving(envelope, plan, D("-0.001"))
    data = {"decision": "approve", "approve-comments": "綜合意見", "approve-conditions": ""}
    for year, amount in requested.items():
        data[f"approve-amount_{year}"] = str(amount)
    response = client_for(ministry).post(reverse("review:decide", args=[plan.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "超出本方案年度預算 0.001 仟元" in text
    assert "綜合意見" in text
    assert not Decision.objects.exists()
