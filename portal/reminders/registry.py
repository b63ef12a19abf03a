"""The kinds of reminder apps contribute: ``register_reminder(ReminderKind(...))`` in their
``AppConfig.ready()``. ``collect(day)`` returns the reminders due that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reminder:
    """One message to one person about one thing."""

    recipient: Any  # a User
    target: Any  # the model instance the reminder is about
    subject: str
    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReminderKind:
    key: str
    label: str
    description: str
    collect: Callable[[dt.date], Iterable[Reminder]]
    default_time: dt.time = dt.time(9, 0)
    order: int = 50


_KINDS: dict[str, ReminderKind] = {}


def register_reminder(kind: ReminderKind) -> None:
    _KINDS[kind.key] = kind


def reminder_kinds() -> list[ReminderKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def reminder_kind(key: str) -> ReminderKind | None:
    return _KINDS.get(key)
