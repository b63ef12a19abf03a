"""Scheduled reminders: principals with plans waiting, schools with a revision due — sent from
the time ministry staff set (Taiwan time), recorded, never twice for the same thing, person
and day."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services as plan_services
from applications.enums import PlanStatus
from portal.audit.models import AuditEntry
from portal.programme.calendar import TAIPEI
from portal.reminders import services
from portal.reminders.models import ReminderLog, ReminderSetting
from tests.applications.builders import plan_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = PlanStatus
MORNING = dt.datetime(2026, 11, 17, 9, 5, tzinfo=TAIPEI)


def run(now, capture):
    with capture(execute=True):
        return services.send_due_reminders(now)


@pytest.fixture
def awaiting(school, coordinator, principal, ministry):
    return plan_in(
        S.AWAITING_PRINCIPAL,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )


def test_principal_reminded_once_a_day(
    awaiting, principal, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    sent = run(MORNING, django_capture_on_commit_callbacks)
    assert sent["plans_awaiting_principal"] == 1
    assert [m.to for m in mailoutbox] == [[principal.email]]
    assert "一份計畫等候您核定" in mailoutbox[0].subject
    assert f"/plans/{awaiting.pk}/" in mailoutbox[0].body
    log = ReminderLog.objects.get()
    assert (log.kind, log.recipient, log.object_key, log.day) == (
        "plans_awaiting_principal",
        principal,
        f"applications.plan:{awaiting.pk}",
        dt.date(2026, 11, 17),
    )
    # Later the same day: nothing again.
    again = run(MORNING + dt.timedelta(hours=5), django_capture_on_commit_callbacks)
    assert again["plans_awaiting_principal"] == 0
    assert len(mailoutbox) == 1
    # The next day: reminded again.
    run(MORNING + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.count() == 2


def test_nothing_before_the_time_set(awaiting, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    early = dt.datetime(2026, 11, 17, 8, 59, tzinfo=TAIPEI)
    assert "plans_awaiting_principal" not in run(early, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_time_and_switch_set_by_ministry_staff(
    awaiting, ministry, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client = client_for(ministry)
    response = client.post(
        reverse("reminders:settings"),
        {
            "kind": "plans_awaiting_principal",
            "plans_awaiting_principal-enabled": "on",
            "plans_awaiting_principal-send_at": "14:30",
        },
    )
    assert response.status_code == 302
    setting = ReminderSetting.objects.get(kind="plans_awaiting_principal")
    assert (setting.send_at, setting.enabled, setting.updated_by) == (
        dt.time(14, 30),
        True,
        ministry,
    )
    entry = AuditEntry.objects.get(action="reminder.setting")
    assert (entry.before, entry.after) == (None, {"enabled": True, "send_at": "14:30"})
    assert "plans_awaiting_principal" not in run(MORNING, django_capture_on_commit_callbacks)
    afternoon = dt.datetime(2026, 11, 17, 14, 30, tzinfo=TAIPEI)
    assert run(afternoon, django_capture_on_commit_callbacks)["plans_awaiting_principal"] == 1
    # Switched off: nothing.
    client.post(
        reverse("reminders:settings"),
        {"kind": "plans_awaiting_principal", "plans_awaiting_principal-send_at": "14:30"},
    )
    assert ReminderSetting.objects.get(kind="plans_awaiting_principal").enabled is False
    later = afternoon + dt.timedelta(days=1)
    assert "plans_awaiting_principal" not in run(later, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_bad_time_refused_and_kept(client_for, ministry):
    response = client_for(ministry).post(
        reverse("reminders:settings"),
        {"kind": "revisions_due", "revisions_due-enabled": "on", "revisions_due-send_at": "25:00"},
    )
    assert response.status_code == 200
    assert not ReminderSetting.objects.exists()
    assert 'value="25:00"' in response.content.decode()


def test_revision_due_reminds_the_school_until_the_due_date(
    school, coordinator, principal, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    plan = plan_in(
        S.SUBMITTED, school=school, coordinator=coordinator, principal=principal, ministry=ministry
    )
    plan_services.plan_return(
        plan=plan, by=ministry, comment="請補充。", revision_due=dt.date(2026, 11, 18)
    )
    mailoutbox.clear()
    run(MORNING, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordinator.email, principal.email])
    assert "115年11月18日" in mailoutbox[0].body
    mailoutbox.clear()
    run(MORNING + dt.timedelta(days=1), django_capture_on_commit_callbacks)  # the due day
    assert len(mailoutbox) == 2
    mailoutbox.clear()
    run(MORNING + dt.timedelta(days=2), django_capture_on_commit_callbacks)  # past it
    assert mailoutbox == []


def test_budget_revision_due_reminds_the_school(
    school, coordinator, principal, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    plan = plan_in(
        S.UNDER_REVIEW,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    plan_services.plan_decide(plan=plan, approve=True, by=ministry, amounts={116: D("10")})
    mailoutbox.clear()
    sent = run(MORNING, django_capture_on_commit_callbacks)
    assert sent["revisions_due"] == 2
    assert {m.to[0] for m in mailoutbox} == {coordinator.email, principal.email}


@pytest.mark.parametrize("role", ["coordinator", "principal", "committee_member", "inspector"])
def test_reminder_page_ministry_only(request, client_for, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("reminders:settings")).status_code == 403
    response = client_for(user).post(
        reverse("reminders:settings"),
        {"kind": "revisions_due", "revisions_due-enabled": "on", "revisions_due-send_at": "10:00"},
    )
    assert response.status_code == 403
    assert not ReminderSetting.objects.exists()


def test_reminder_page_queries_do_not_grow(client_for, ministry, school):
    client = client_for(ministry)
    counts = []
    for size in (1, 3):
        while ReminderLog.objects.count() < size:
            n = ReminderLog.objects.count()
            ReminderLog.objects.create(
                kind="revisions_due",
                recipient=UserFactory(),
                object_key=f"applications.plan:{n}",
                object_label=f"計畫 {n}",
                day=dt.date(2026, 11, 16),
            )
        client.get(reverse("reminders:settings"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reminders:settings"))
        counts.append(len(queries))
        assert len(response.context["sent"]) == size
    assert counts[0] == counts[1]
