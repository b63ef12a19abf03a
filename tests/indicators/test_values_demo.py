"""The demo's yearly values: the demo school accepted 113 with missed targets (a lower-is-better
one among them), the window of the last finished year open now, more schools at every step;
seeding twice changes nothing."""

import pytest
from django.test.utils import override_settings

from indicators.attainment import judge
from indicators.enums import Attainment, Direction, ReportStatus
from indicators.models import ReportingWindow, YearReport, YearValue
from indicators.values.services import window_state

pytestmark = pytest.mark.django_db


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_demo_values(db):
    from importlib import import_module

    for name in ("portal.demo", "applications.demo", "indicators.demo"):
        import_module(name).seed()
    reports = {
        (code, year): status
        for code, year, status in YearReport.objects.values_list(
            "school__code", "academic_year", "status"
        )
    }
    assert reports == {
        ("193404", 113): ReportStatus.ACCEPTED,
        ("331402", 113): ReportStatus.ACCEPTED,
        ("053401", 113): ReportStatus.ACCEPTED,
        ("093406", 113): ReportStatus.ACCEPTED,
        ("331402", 114): ReportStatus.SUBMITTED,
        ("053401", 114): ReportStatus.RETURNED,
        ("093406", 114): ReportStatus.AWAITING_PRINCIPAL,
    }
    assert window_state(ReportingWindow.objects.get(academic_year=114)) == "open"
    assert window_state(ReportingWindow.objects.get(academic_year=113)) == "closed"
    missed = []
    for value in YearValue.objects.filter(
        report__school__code="193404", report__academic_year=113
    ).select_related("plan_indicator__indicator"):
        indicator = value.plan_indicator.indicator
        target = value.plan_indicator.targets.get(academic_year=113).value
        if judge(value.value, target, indicator.direction) == Attainment.NOT_MET:
            missed.append(indicator.direction)
    assert Direction.LOWER in missed and Direction.HIGHER in missed
    count = YearValue.objects.count()
    import_module("indicators.demo").seed()
    assert YearValue.objects.count() == count
