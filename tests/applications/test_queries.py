"""Query counts of the pages that list things: the count must not grow with the list."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.enums import ExpenseType, FiscalHalf, PlanStatus
from applications.models import BudgetLine
from tests.applications.builders import (
    add_subplan,
    complete_plan,
    open_phase_now,
    plan_in,
    started_plan,
)
from tests.factories import UserFactory, evaluated_school, grant

pytestmark = pytest.mark.django_db

#: The ministry's plan list, whatever its length: session and user, grants, counts by status,
#: the page of plans with their versions prefetched, the filters' choices, the open phase.
PLAN_LIST_QUERIES = 13
PLAN_LIST_FILTERED_QUERIES = 14  # the filter's district is looked up
#: The budget page, whatever the number of lines: the lines with their sub-plans in one
#: query; the approved amount is read once per year of the phase (3).
BUDGET_PAGE_QUERIES = 20


def make_plans(count, ministry):
    """``count`` plans of as many schools, in different states, with sub-plans and lines."""
    open_phase_now()
    statuses = [PlanStatus.SUBMITTED, PlanStatus.DRAFT, PlanStatus.RETURNED]
    for n in range(count):
        school = evaluated_school(scores=["85"] * 8)
        coordinator = grant(UserFactory(username=f"c{n}"), "coordinator", school=school)
        principal = grant(UserFactory(username=f"p{n}"), "principal", school=school)
        status = statuses[n % len(statuses)]
        if status == PlanStatus.DRAFT:
            complete_plan(started_plan(school, coordinator), coordinator)
        else:
            plan_in(
                status,
                school=school,
                coordinator=coordinator,
                principal=principal,
                ministry=ministry,
            )


@pytest.mark.parametrize("count", [1, 5])
def test_plan_list_query_count_for_ministry(count, ministry, client_for, django_assert_num_queries):
    make_plans(count, ministry)
    client = client_for(ministry)
    url = reverse("applications:plan_list")
    with django_assert_num_queries(PLAN_LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<span class="badge plan-status ') == count


@pytest.mark.parametrize("count", [1, 5])
def test_plan_list_filtered_query_count_for_ministry(
    count, ministry, client_for, django_assert_num_queries
):
    from portal.schools.models import County

    make_plans(count, ministry)
    district = County.objects.get(code="taichung").default_district
    client = client_for(ministry)
    url = reverse("applications:plan_list")
    query = {"status": "submitted", "district": district.pk, "q": "國立", "kind": "new"}
    with django_assert_num_queries(PLAN_LIST_FILTERED_QUERIES):
        response = client.get(url, query)
    assert response.status_code == 200
    submitted = (count + 2) // 3  # every third plan, from the first
    assert response.content.decode().count("plan-status-submitted") == submitted


@pytest.fixture
def budget_plan(school, coordinator):
    plan = started_plan(school, coordinator)
    subplans = [add_subplan(plan, coordinator, item) for item in (7, 1, 3)]
    return plan, subplans


def add_lines(plan, subplans, count, by):
    BudgetLine.objects.bulk_create(
        BudgetLine(
            plan=plan,
            sub_plan=subplans[n % len(subplans)],
            academic_year=plan.phase.years[n % 3],
            expense_type=[ExpenseType.BUSINESS, ExpenseType.MISC, ExpenseType.EQUIPMENT][n % 3],
            name=f"項目{n}",
            unit="式",
            quantity=Decimal("2"),
            unit_price=Decimal("1.5"),
            total=Decimal("3"),
            subsidy=Decimal("2"),
            own_funds=Decimal("1"),
            fiscal_half=FiscalHalf.FIRST if n % 2 else FiscalHalf.SECOND,
            order=n,
            updated_by=by,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 100])
def test_budget_page_query_count(
    count, budget_plan, coordinator, client_for, django_assert_num_queries
):
    plan, subplans = budget_plan
    add_lines(plan, subplans, count, coordinator)
    client = client_for(coordinator)
    url = reverse("applications:budget", args=[plan.pk])
    with django_assert_num_queries(BUDGET_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="line-') == count
