"""Lists of the assessment read in a fixed number of queries at one and three rows: the
school's timeline and the school's assessment home."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import PlanStatus
from applications.models import PlanEvent
from assessment.enums import ReportStatus
from assessment.models import ReportEvent
from tests.assessment.builders import YEAR, started_report


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _events(plan, report, coordinator, n):
    for _i in range(n):
        PlanEvent.objects.create(
            plan=plan,
            to_status=PlanStatus.APPROVED,
            academic_year=YEAR,
            actor=coordinator,
            comment="核定",
        )
        ReportEvent.objects.create(
            report=report, to_status=ReportStatus.SUBMITTED, actor=coordinator, comment="送出"
        )


def test_timeline_query_count_constant(plan, coordinator, ministry, client_for):
    report = started_report(plan, coordinator)
    url = reverse("assessment:timeline", args=[plan.school.code])
    client = client_for(ministry)
    _events(plan, report, coordinator, 1)
    client.get(url)
    one = _count(client, url)
    _events(plan, report, coordinator, 2)
    assert _count(client, url) == one


def test_school_home_query_count_constant(plan, coordinator, client_for):
    url = reverse("assessment:home")
    client = client_for(coordinator)
    started_report(plan, coordinator)
    client.get(url)
    one = _count(client, url)
    started_report(plan, coordinator, year=115)
    started_report(plan, coordinator, year=113)
    assert _count(client, url) == one
