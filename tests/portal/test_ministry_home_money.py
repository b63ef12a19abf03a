"""The ministry's home: what waits for the ministry (applications awaiting a decision, budget
revisions submitted, returned plans overdue) and the money requested versus approved per year
and per item, as a chart with the same numbers in a table and a download."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications import budget, money, services
from applications.enums import PlanStatus
from portal.programme import calendar
from tests.applications.builders import line_values, plan_in
from tests.factories import UserFactory, evaluated_school, grant

pytestmark = pytest.mark.django_db

S = PlanStatus


def school_with_people(n):
    school = evaluated_school(scores=["85"] * 8, name=f"測試高職{n}")
    coordinator = grant(UserFactory(), "coordinator", school=school)
    principal = grant(UserFactory(), "principal", school=school)
    return school, coordinator, principal


def build(status, ministry, n):
    school, coordinator, principal = school_with_people(n)
    return (
        plan_in(
            status, school=school, coordinator=coordinator, principal=principal, ministry=ministry
        ),
        coordinator,
        principal,
    )


def revised(ministry, n):
    """Approved below the request for 116 (15.000 asked, 10.000 approved), then revised."""
    plan, coordinator, principal = build(S.UNDER_REVIEW, ministry, n)
    plan = services.plan_decide(plan=plan, approve=True, by=ministry, amounts={116: D("10")})
    line = plan.budget_lines.get(academic_year=116)
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, unit_price=D("1.5"), subsidy=D("10")),
        revision=line.revision,
        by=coordinator,
    )
    services.plan_budget_revision_submit(plan=plan, by=principal)
    return plan


def overdue(ministry, n):
    plan, _c, _p = build(S.SUBMITTED, ministry, n)
    return services.plan_return(
        plan=plan,
        by=ministry,
        comment="請補充。",
        revision_due=calendar.taipei_today() - dt.timedelta(days=1),
    )


def test_ministry_home_names_the_first_plans_and_counts_them_all(client_for, ministry):
    """Nine plans await a decision: the home names the first eight (by school code) and
    counts nine, in its badge and in its task."""
    plans = [build(S.UNDER_REVIEW, ministry, n)[0] for n in range(9)]
    response = client_for(ministry).get(reverse("home"))
    waiting = response.context["sections"][0].context["waiting"]
    first = sorted(plans, key=lambda plan: plan.school.code)[: money.SHOWN]
    assert [p.pk for p in waiting.awaiting_decision.rows] == [p.pk for p in first]
    assert waiting.awaiting_decision.total == 9
    assert (waiting.overdue.rows, waiting.overdue.total) == ([], 0)
    assert "9 件審查中的計畫待本部決定。" in [task.text for task in response.context["tasks"]]


def test_ministry_home_shows_what_waits(client_for, ministry):
    deciding, _c, _p = build(S.UNDER_REVIEW, ministry, 1)
    revision = revised(ministry, 2)
    late = overdue(ministry, 3)
    on_time, _c, _p = build(S.SUBMITTED, ministry, 4)
    services.plan_return(
        plan=on_time,
        by=ministry,
        comment="請補充。",
        revision_due=calendar.taipei_today() + dt.timedelta(days=3),
    )
    response = client_for(ministry).get(reverse("home"))
    waiting = response.context["sections"][0].context["waiting"]
    assert [p.pk for p in waiting.awaiting_decision.rows] == [deciding.pk]
    assert [e.plan_id for e in waiting.revisions.rows] == [revision.pk]
    assert [p.pk for p in waiting.overdue.rows] == [late.pk]
    html = response.content.decode()
    assert "等待本部決定的申請案" in html
    assert "測試高職1" in html and "測試高職2" in html and "測試高職3" in html
    texts = [task.text for task in response.context["tasks"]]
    assert "1 件審查中的計畫待本部決定。" in texts
    assert "1 件退回修正的計畫已逾修正期限。" in texts


def test_money_requested_and_approved_per_year_and_item(client_for, ministry):
    revised(ministry, 1)  # 116: 15 asked, revised to 10, approved 10; 117: approved as asked
    build(S.SUBMITTED, ministry, 2)  # 116 and 117: 15 asked each
    years = {row.key: (row.requested, row.approved) for row in money.money_by_year()}
    assert years == {
        116: (D("25.000"), D("10.000")),
        117: (D("30.000"), D("15.000")),
        118: (D("30.000"), D("15.000")),
    }
    items = {row.key: (row.requested, row.approved) for row in money.money_by_item()}
    assert items == {7: (D("85.000"), D("40.000"))}
    total = money.totals(money.money_by_year())
    assert (total.requested, total.approved, total.difference) == (
        D("85.000"),
        D("40.000"),
        D("-45.000"),
    )

    response = client_for(ministry).get(reverse("home"))
    html = response.content.decode()
    assert 'data-chart="money-year-chart"' in html
    assert 'id="money-year-chart"' in html  # the chart's numbers, no inline script
    assert "chart.umd.min.js" in html
    assert "116學年度" in html and "25.000" in html and "-45.000" in html
    assert "7. 增進學生學習品質" in html


def test_money_download_has_the_same_numbers(client_for, ministry):
    revised(ministry, 1)
    response = client_for(ministry).get(reverse("applications:money_export"))
    assert response.status_code == 200
    assert "1151116" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "116學年度"
    assert (D(str(rows[1][1])), D(str(rows[1][2]))) == (D("10"), D("10"))
    assert rows[-1][0] == "合計"


@pytest.mark.parametrize("role", ["coordinator", "principal", "committee_member", "inspector"])
def test_money_download_ministry_only(request, client_for, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("applications:money_export")).status_code == 403


def home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_ministry_home_queries_do_not_grow_with_the_plans(client_for, ministry):
    client = client_for(ministry)
    n = 0

    def add_one_of_each():
        nonlocal n
        n += 1
        build(S.UNDER_REVIEW, ministry, n)
        n += 1
        revised(ministry, n)
        n += 1
        overdue(ministry, n)

    add_one_of_each()
    client.get(reverse("home"))  # warm the caches (content types, sessions)
    one = home_queries(client)
    add_one_of_each()
    add_one_of_each()
    assert home_queries(client) == one
