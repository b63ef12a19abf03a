"""What the values part adds to the menu, the home page and the beat schedule; an evidence
file removed and a value's history on its page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ValueEvidence
from indicators.values import services
from tests.indicators.values_builders import YEAR, open_window, plan_indicator, supported_plan
from tests.uploads import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(school, coordinator):
    plan = supported_plan(school, coordinator)
    open_window()
    return plan


def test_home_asks_the_school_to_report_while_the_window_is_open(
    plan, school, coordinator, client_for
):
    body = client_for(coordinator).get(reverse("home")).content.decode()
    assert f"{school.name} 114學年度績效指標實際值" in body
    assert reverse("indicators:values_report", args=[school.code, YEAR]) in body


def test_menu_leads_each_role_to_its_page(
    plan, school, coordinator, ministry, committee_member, client_for
):
    assert client_for(coordinator).get(reverse("indicators:values_home"))["Location"] == reverse(
        "indicators:values_school", args=[school.code]
    )
    assert client_for(ministry).get(reverse("indicators:values_home"))["Location"] == reverse(
        "indicators:values_board"
    )
    assert client_for(committee_member).get(reverse("indicators:values_home")).status_code == 403


def test_reminders_are_on_the_beat_schedule(db):
    from portal.celery import app

    entry = app.conf.beat_schedule["indicators-value-reminders"]
    assert entry["task"] == "indicators.values.tasks.send_value_reminders"


def test_evidence_removed_stays_for_the_ministry_and_history_shown(
    plan, school, coordinator, ministry, client_for
):
    report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    row = plan_indicator(plan, "T03")
    value = services.value_save(
        report=report, plan_indicator=row, value="11", revision=None, by=coordinator
    )
    services.value_save(
        report=report, plan_indicator=row, value="12", revision=value.revision, by=coordinator
    )
    evidence = services.evidence_add(
        year_value=value, upload=SimpleUploadedFile("清冊.pdf", PDF), description="", by=coordinator
    )
    client = client_for(coordinator)
    page = client.get(
        reverse("indicators:values_value", args=[school.code, YEAR, row.pk])
    ).content.decode()
    assert "清冊.pdf" in page and "先前的數值" in page
    client.post(reverse("indicators:values_evidence_remove", args=[evidence.pk]))
    assert ValueEvidence.objects.get().removed_at is not None
    assert client.get(reverse("indicators:values_evidence", args=[evidence.pk])).status_code == 404
    assert (
        client_for(ministry)
        .get(reverse("indicators:values_evidence", args=[evidence.pk]))
        .status_code
        == 200
    )
