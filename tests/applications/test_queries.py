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


@pytest.mark.parametrize("count", [1, 4])
def test_plan_list_counts_subplans_without_joining_them(count, ministry, client_for):
    """The list's COUNT and its page of rows join neither sub-plans nor budget lines: a
    plan's sub-plans are counted by a correlated subquery, so rows are not multiplied."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.models import Plan
    from applications.selectors import plan_list_prefetch
    from portal.accounts.models import RoleGrant

    make_plans(count, ministry)
    plan = (
        Plan.objects.filter(status=PlanStatus.DRAFT).order_by("pk").first() if count > 1 else None
    )
    plan = plan or Plan.objects.order_by("pk").first()
    if plan.status == PlanStatus.DRAFT:
        coordinator = RoleGrant.objects.get(school=plan.school, role="coordinator").user
        add_subplan(plan, coordinator, 1)
    client = client_for(ministry)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("applications:plan_list"))
    assert response.status_code == 200
    plan_queries = [
        q["sql"] for q in captured.captured_queries if '"applications_plan"' in q["sql"]
    ]
    assert all('JOIN "applications_subplan"' not in sql for sql in plan_queries)
    assert all("applications_budgetline" not in sql for sql in plan_queries)
    counted = {p.pk: p.subplan_count for p in plan_list_prefetch(Plan.objects.all())}
    assert counted == {p.pk: p.subplans.count() for p in Plan.objects.all()}
