"""The review's scheduled reminder (portal.reminders): each reviewer with reviews still due in
a round open for scoring, once a day at the time ministry staff set."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.programme import calendar
from portal.reminders.registry import Reminder, ReminderKind, register_reminder

from . import selectors
from .enums import RoundState
from .models import Round

KIND = "reviews_due"


def reviews_due(day: dt.date) -> list[Reminder]:
    """One reminder per reviewer and open round in which they have reviews not submitted
    (drafts included): about the round, listing the applications still to review."""
    now = timezone.now()
    rounds = [
        rnd
        for rnd in Round.objects.filter(
            results_confirmed_at__isnull=True, opens_at__lte=now, closes_at__gt=now
        ).select_related("committee")
        if rnd.state(now) == RoundState.OPEN
    ]
    reminders = []
    for rnd in rounds:
        reminders += round_reminders(rnd)
    return reminders


def round_reminders(rnd: Round, member_id: int | None = None) -> list[Reminder]:
    """The reminders of one round: each reviewer (or only ``member_id``) with reviews not
    submitted, listing the applications still to review."""
    reminders = []
    with translation.override(settings.LANGUAGE_CODE):
        deadline = calendar.format_datetime(rnd.closes_at)
        for row in selectors.progress(rnd).reviewers:
            if row.missing <= 0 or row.member.removed_at is not None:
                continue
            if member_id is not None and row.member.pk != member_id:
                continue
            reminders.append(
                Reminder(
                    recipient=row.member.user,
                    target=rnd,
                    subject=_("Reminder: reviews are waiting for you"),
                    template="review/email/reminder.txt",
                    context={
                        "round": rnd,
                        "row": row,
                        "deadline": deadline,
                        "url": reverse("review:my"),
                    },
                )
            )
    return reminders


def register() -> None:
    register_reminder(
        ReminderKind(
            key=KIND,
            label=_("Reviews due"),
            description=_(
                "Each committee member with reviews not yet submitted in a round open for "
                "scoring, with the applications still to review and the deadline."
            ),
            collect=reviews_due,
            default_time=dt.time(9, 0),
            order=30,
        )
    )
