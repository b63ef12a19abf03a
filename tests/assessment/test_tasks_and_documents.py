"""Reminders by the beat schedule (never twice the same day), the report PDF built by the
documents pipeline with its charts and page numbers, and the school's timeline."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from assessment import tasks
from assessment.enums import Decision
from assessment.models import ReminderSent
from assessment.services import outcome_decide
from portal.documents.services import document_request
from tests.assessment.builders import (
    due,
    open_window,
    ready_for_outcome,
    started_report,
    submitted_report,
)


def test_beat_schedule_registered():
    from portal.celery import app

    assert app.conf.beat_schedule["assessment-reminders"]["task"] == (
        "assessment.tasks.send_reminders"
    )


def test_report_reminder_once_a_day(
    plan, coordinator, principal, django_capture_on_commit_callbacks
):
    open_window(days_left=5)
    started_report(plan, coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, principal.email])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == 0
    assert ReminderSent.objects.count() == 1
    with (
        time_machine.travel(dt.timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.send_reminders() == 1


def test_no_reminder_once_submitted(plan, coordinator, principal):
    submitted_report(plan, coordinator, principal)
    open_window(days_left=5)
    assert tasks.send_reminders() == 0


def test_condition_reminder_near_due(plan, coordinator, principal, ministry):
    ready_for_outcome(plan, coordinator, principal, ministry)
    outcome_decide(
        plan=plan,
        academic_year=114,
        decision=Decision.CONDITIONS,
        conditions=[("補正", due(3))],
        by=ministry,
    )
    open_window(days_left=60)  # the report window is far from closing
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0


def test_report_pdf_has_charts_and_page_numbers(
    plan, coordinator, principal, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from pypdf import PdfReader

    report = submitted_report(plan, coordinator, principal)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="assessment_report", target=report, by=coordinator)
    document.refresh_from_db()
    assert document.status == "done", document.error
    reader = PdfReader(BytesIO(document.file.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    pages = len(reader.pages)
    assert f"第 1 頁／共 {pages} 頁" in text
    assert "各經費類別執行率" in text  # the SVG chart's title, as text in the embedded font
    assert "學生違規人次比率" in text and "96.67%" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert any("Noto-Sans-TC" in name for name in fonts)


def test_report_pdf_refused_to_another_school(plan, coordinator, client_for, other_school):
    from tests.factories import UserFactory, grant

    report = started_report(plan, coordinator)
    outsider = grant(UserFactory(username="outsider"), "coordinator", school=other_school)
    response = client_for(outsider).post(reverse("assessment:report_pdf", args=[report.pk]))
    assert response.status_code == 404


def test_timeline_shows_plan_report_and_outcome(plan, coordinator, principal, ministry, client_for):
    ready_for_outcome(plan, coordinator, principal, ministry)
    outcome_decide(plan=plan, academic_year=114, decision=Decision.CONTINUE, by=ministry)
    text = (
        client_for(coordinator)
        .get(reverse("assessment:timeline", args=[plan.school.code]))
        .content.decode()
    )
    assert "繼續辦理" in text
    assert "已送出" in text


@pytest.mark.parametrize("user", ["panel_member", "inspector"])
def test_timeline_refused_to_others(user, plan, request, client_for):
    other = request.getfixturevalue(user)
    response = client_for(other).get(reverse("assessment:timeline", args=[plan.school.code]))
    assert response.status_code == 404
