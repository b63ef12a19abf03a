"""The ministry's boards of yearly values: the completeness board and the national table keep a
constant number of queries whatever the number of schools (rows computed in SQL, paginated);
the long export runs as a background job with its progress."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.enums import ReportStatus
from indicators.models import ValuesExport
from indicators.values import boards, services
from tests.factories import UserFactory, evaluated_school, grant
from tests.indicators.values_builders import (
    YEAR,
    open_window,
    report_all,
    submitted_report,
    supported_plan,
)

pytestmark = pytest.mark.django_db

#: The board, whatever the number of schools: session and user, grants, the latest window,
#: the year's window, the years for the selector (two), the filter's districts (rendered and
#: checked), the counts by status, the page count and the page of rows.
BOARD_QUERIES = 10
#: The national table: session, user, grants, the filter's years, the count and the page of
#: values, their items (one prefetch), the user's recent exports, the filters' choices
#: (districts and phases).
NATIONAL_QUERIES = 10
#: A school's report of a year, whatever the number of its indicators: the page's user, grants,
#: school, plan, report and window, the plan's indicators with targets and items (three), the
#: values with their evidence (two), the events, the permission checks of the actions and the
#: menu.
REPORT_QUERIES = 17


def schools_in_every_state(count):
    """``count`` supported schools: submitted, then in draft, then not started, in turn."""
    open_window()
    made = []
    for n in range(count):
        school = evaluated_school(scores=["85"] * 8)
        coordinator = grant(UserFactory(username=f"c{n}"), "coordinator", school=school)
        principal = grant(UserFactory(username=f"p{n}"), "principal", school=school)
        plan = supported_plan(school, coordinator)
        state = n % 3
        if state == 0:
            submitted_report(plan, coordinator, principal)
        elif state == 1:
            report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
            report_all(report, plan, coordinator, values={"T03": {"value": "12"}})
        made.append(school)
    return made


@pytest.mark.parametrize("count", [1, 3])
def test_board_query_count_does_not_grow(count, ministry, client_for, django_assert_num_queries):
    schools_in_every_state(count)
    client = client_for(ministry)
    url = reverse("indicators:values_board_year", args=[YEAR])
    client.get(url)  # warm the session
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="board-row') == count


@pytest.mark.parametrize("count", [1, 3])
def test_national_table_query_count_does_not_grow(
    count, ministry, client_for, django_assert_num_queries
):
    schools_in_every_state(count)
    client = client_for(ministry)
    url = reverse("indicators:values_national")
    client.get(url)
    with django_assert_num_queries(NATIONAL_QUERIES):
        response = client.get(url)
    # Only signed-off values: the submitted schools' four values each.
    assert response.content.decode().count('class="national-row"') == 4 * len(range(0, count, 3))


def test_board_rows_say_who_has_not_reported_waits_or_was_returned(ministry, db):
    schools = schools_in_every_state(3)
    rows = {r.plan.school.code: r for r in boards.completeness(YEAR)}
    assert [
        (rows[s.code].report_status, rows[s.code].reported, rows[s.code].expected) for s in schools
    ] == [
        (ReportStatus.SUBMITTED, 4, 4),
        (ReportStatus.DRAFT, 1, 4),
        (boards.NOT_STARTED, 0, 4),
    ]
    counts = boards.completeness_counts(boards.completeness(YEAR))
    assert (counts["total"], counts["submitted"], counts["draft"], counts["not_started"]) == (
        3,
        1,
        1,
        1,
    )
    assert [s.code for s in boards.pending_schools(YEAR)] == sorted(s.code for s in schools[1:])
    report = schools[0].indicator_reports.get()
    services.report_return(report=report, by=ministry, comment="請補佐證")
    returned = boards.completeness(YEAR, status=ReportStatus.RETURNED)
    assert [(r.plan.school.code, r.report_comment) for r in returned] == [
        (schools[0].code, "請補佐證")
    ]


def test_ind2_national_table_rows_with_target_and_attainment(ministry, db):
    schools_in_every_state(1)
    rows = {
        r.indicator: r for r in map(boards.national_row, boards.national_values(academic_year=YEAR))
    }
    lower = rows["學生違規人次比率"]
    assert (lower.value, lower.target, lower.attainment, lower.items) == (
        Decimal("4.5"),
        Decimal("4"),
        "not_met",
        "7",
    )
    share = rows["導入合作學習策略教師人數比"]
    assert (share.items, share.attainment) == ("7、8", "met")  # equal to the target is met


def test_board_download_has_the_same_rows(ministry, client_for):
    schools_in_every_state(3)
    response = client_for(ministry).get(
        reverse("indicators:values_board_year", args=[YEAR]) + "?download=xlsx"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4
    assert [r[3] for r in rows[1:]] == ["已送出", "草稿", "未開始"]


def test_long_export_runs_in_the_background_with_progress(
    ministry, client_for, django_capture_on_commit_callbacks
):
    schools_in_every_state(3)
    client = client_for(ministry)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:values_export_start"), {})
    export = ValuesExport.objects.get()
    assert response["Location"] == reverse("indicators:values_export", args=[export.pk])
    assert (export.status, export.total, export.done) == ("done", 4, 4)
    download = client.get(reverse("indicators:values_export_download", args=[export.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == (
        "學校代碼",
        "學校",
        "學年度",
        "所屬項目",
        "指標",
        "類別",
        "單位",
        "分子",
        "分母",
        "實際值",
        "目標值",
        "達成情形",
        "填報狀態",
    )
    assert len(rows) == 5
    status = client.get(reverse("indicators:values_export_status", args=[export.pk]))
    assert 'data-status="done"' in status.content.decode()


def test_exports_are_the_ministrys_own(
    ministry, coordinator, client_for, django_capture_on_commit_callbacks
):
    other = grant(UserFactory(username="ministry-2"), "ministry")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(ministry).post(reverse("indicators:values_export_start"), {})
    export = ValuesExport.objects.get()
    assert (
        client_for(other).get(reverse("indicators:values_export", args=[export.pk])).status_code
        == 404
    )
    assert (
        client_for(coordinator).post(reverse("indicators:values_export_start"), {}).status_code
        == 403
    )


def test_window_page_sets_a_window(ministry, client_for):
    client = client_for(ministry)
    response = client.post(
        reverse("indicators:values_windows"),
        {"academic_year": "114", "opens_on": "115/8/1", "closes_on": "115/12/31"},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("indicators:values_windows"),
        {"academic_year": "115", "opens_on": "116/7/1", "closes_on": "116/9/30"},
    )
    assert bad.status_code == 200
    assert "116/7/1" in bad.content.decode()  # what was typed is kept


@pytest.mark.parametrize("count", [1, 3])
def test_report_page_query_count_does_not_grow(
    count, school, coordinator, client_for, django_assert_num_queries
):
    from indicators.models import PlanIndicator

    plan = supported_plan(school, coordinator)
    open_window()
    keep = list(
        PlanIndicator.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True)
    )[:count]
    PlanIndicator.objects.filter(plan=plan).exclude(pk__in=keep).delete()
    report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    for row in PlanIndicator.objects.filter(plan=plan).select_related("indicator"):
        typed = (
            {"value": "3"}
            if not row.indicator.is_quotient
            else {"numerator": "1", "denominator": "4"}
        )
        services.value_save(
            report=report, plan_indicator=row, revision=None, by=coordinator, **typed
        )
    client = client_for(coordinator)
    url = reverse("indicators:values_report", args=[school.code, YEAR])
    client.get(url)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="value-row') == count


def test_remind_now_from_the_board(ministry, coordinator, client_for):
    schools_in_every_state(3)
    url = reverse("indicators:values_remind", args=[YEAR])
    assert client_for(coordinator).post(url).status_code == 403
    response = client_for(ministry).post(url, follow=True)
    assert "已以電子郵件提醒 2 所學校" in response.content.decode()
