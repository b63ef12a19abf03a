"""Reminder schedules (set by ministry staff, audited) and the sending of what is due."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.notifications import notify
from portal.programme import calendar

from .models import ReminderLog, ReminderSetting
from .registry import Reminder, ReminderKind, reminder_kind, reminder_kinds


def object_key(target) -> str:
    return f"{target._meta.label_lower}:{target.pk}"


def setting_of(kind: ReminderKind, settings: dict[str, ReminderSetting] | None = None):
    """The stored schedule of ``kind``, or its default (sent at its default time)."""
    stored = (settings or {}).get(kind.key)
    if stored is None and settings is None:
        stored = ReminderSetting.objects.filter(kind=kind.key).first()
    return stored or ReminderSetting(kind=kind.key, enabled=True, send_at=kind.default_time)


def reminder_setting_save(*, kind: str, enabled: bool, send_at: dt.time, by) -> ReminderSetting:
    if reminder_kind(kind) is None:
        raise ValueError(f"Unknown reminder kind {kind!r}")
    with transaction.atomic():
        setting = ReminderSetting.objects.select_for_update().filter(kind=kind).first()
        before = (
            {"enabled": setting.enabled, "send_at": setting.send_at.strftime("%H:%M")}
            if setting
            else None
        )
        if setting is None:
            setting = ReminderSetting(kind=kind)
        setting.enabled, setting.send_at, setting.updated_by = enabled, send_at, by
        setting.save()
        after = {"enabled": enabled, "send_at": send_at.strftime("%H:%M")}
        if before != after:
            audit_record(
                actor=by,
                action="reminder.setting",
                target=setting,
                before=before,
                after=after,
                note=str(reminder_kind(kind).label),
            )
    return setting


def send_reminder(kind: str, reminder: Reminder, day: dt.date) -> bool:
    """Record and send one reminder; False when it was already sent that day."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                kind=kind,
                recipient=reminder.recipient,
                object_key=object_key(reminder.target),
                object_label=str(reminder.target)[:300],
                day=day,
            )
            notify(
                users=[reminder.recipient],
                subject=reminder.subject,
                template=reminder.template,
                context=reminder.context,
            )
    except IntegrityError:
        return False
    return True


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every kind whose time of day has come (Taiwan time); each reminder at most once
    per kind, person and thing a day, however often this runs."""
    now = (now or timezone.now()).astimezone(calendar.TAIPEI)
    day = now.date()
    stored = {s.kind: s for s in ReminderSetting.objects.all()}
    sent: dict[str, int] = {}
    for kind in reminder_kinds():
        setting = stored.get(kind.key) or setting_of(kind, stored)
        if not setting.enabled or now.time() < setting.send_at:
            continue
        sent[kind.key] = sum(
            1 for reminder in kind.collect(day) if send_reminder(kind.key, reminder, day)
        )
    return sent
