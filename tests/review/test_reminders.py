"""Issue 10 §7 (the review's part): reviewers with reviews due are reminded by Celery beat at
the time ministry staff set (portal.reminders), each reminder recorded and never sent twice for
the same round on the same day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.reminders.models import ReminderLog
from portal.reminders.services import reminder_setting_save, send_due_reminders
from review.reminders import KIND, reviews_due
from tests.review import builders

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TAIPEI)


@pytest.fixture
def due(committee, ministry, expert, industry, plan):
    """Round 1 open from 15 to 30 November; ``expert`` has submitted, ``industry`` has not."""
    rnd = builders.first_round(committee)
    from review import services

    services.round_update(
        rnd=rnd, values={"opens_at": at(15, 0), "closes_at": at(30, 23, 59)}, by=ministry
    )
    builders.submit(builders.assign(rnd, expert, plan, ministry))
    builders.assign(rnd, industry, plan, ministry)
    return rnd


def test_reviewers_with_reviews_due_are_collected(due, industry, plan):
    with time_machine.travel(at(17, 8), tick=False):
        reminders = reviews_due(dt.date(2026, 11, 17))
    assert [(r.recipient, r.target) for r in reminders] == [(industry.user, due)]
    assert reminders[0].context["row"].pending == [plan]


def test_sent_at_the_time_set_once_a_day(
    due, industry, mailoutbox, django_capture_on_commit_callbacks
):
    def run(moment):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return send_due_reminders().get(KIND)

    assert run(at(17, 8, 59)) is None  # not yet its time (09:00 by default)
    assert not ReminderLog.objects.filter(kind=KIND).exists()
    assert run(at(17, 9, 0)) == 1
    assert run(at(17, 9, 15)) == 0  # the same round, the same day: not again
    assert [m.to for m in mailoutbox] == [[industry.user.email]]
    assert due.committee.name in mailoutbox[0].body
    log = ReminderLog.objects.get(kind=KIND)
    assert (log.recipient, log.object_key, log.day) == (
        industry.user,
        f"review.round:{due.pk}",
        dt.date(2026, 11, 17),
    )
    assert run(at(18, 9, 0)) == 1  # the next day, again
    assert ReminderLog.objects.filter(kind=KIND).count() == 2


def test_the_time_ministry_staff_set_is_used(due, ministry, mailoutbox):
    reminder_setting_save(kind=KIND, enabled=True, send_at=dt.time(14, 30), by=ministry)
    with time_machine.travel(at(17, 14, 29), tick=False):
        assert send_due_reminders().get(KIND) is None
    with time_machine.travel(at(17, 14, 30), tick=False):
        assert send_due_reminders()[KIND] == 1
    reminder_setting_save(kind=KIND, enabled=False, send_at=dt.time(14, 30), by=ministry)
    with time_machine.travel(at(18, 15, 0), tick=False):
        assert send_due_reminders().get(KIND) is None


def test_nothing_due_once_submitted_closed_or_confirmed(due, industry, ministry, plan):
    from review.models import Assignment

    builders.submit(Assignment.objects.get(round=due, member=industry))
    with time_machine.travel(at(17, 9), tick=False):
        assert reviews_due(dt.date(2026, 11, 17)) == []
    with time_machine.travel(at(30, 23, 59), tick=False):
        assert reviews_due(dt.date(2026, 11, 30)) == []


def test_ministry_sets_the_review_reminders_time_in_the_browser_page(client_for, ministry, expert):
    from django.urls import reverse

    from portal.reminders.models import ReminderSetting

    url = reverse("reminders:settings")
    page = client_for(ministry).get(url).content.decode()
    assert "待送出的評分" in page
    response = client_for(ministry).post(
        url, {"kind": KIND, f"{KIND}-enabled": "on", f"{KIND}-send_at": "16:45"}
    )
    assert response.status_code == 302
    assert ReminderSetting.objects.get(kind=KIND).send_at == dt.time(16, 45)
    assert client_for(expert.user).get(url).status_code == 403


def test_a_reminder_sent_from_the_progress_page_counts_for_the_day(
    due, industry, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    from review import services

    with (
        time_machine.travel(at(17, 8, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.reminders_send(rnd=due, by=ministry) == 1
        assert services.reminders_send(rnd=due, by=ministry) == 0  # already today
    with (
        time_machine.travel(at(17, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_due_reminders()[KIND] == 0
    assert [m.to for m in mailoutbox] == [[industry.user.email]]
