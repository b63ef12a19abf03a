"""Reads about the programme calendar: the current phase, year and application window."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import calendar
from .models import ApplicationWindow, Phase


def phase_for_year(academic_year: int) -> Phase | None:
    return Phase.objects.filter(start_year__lte=academic_year, end_year__gte=academic_year).first()


def current_phase(at: dt.datetime | None = None) -> Phase | None:
    """The phase containing the current academic year, or else the next one to start."""
    year = calendar.AcademicYear.of(at or timezone.now()).roc
    return phase_for_year(year) or Phase.objects.filter(start_year__gt=year).first()


def window_for_year(academic_year: int) -> ApplicationWindow | None:
    return ApplicationWindow.objects.filter(academic_year=academic_year).first()


def relevant_window(at: dt.datetime | None = None) -> ApplicationWindow | None:
    """The window open now; otherwise the next one; otherwise the last one that closed."""
    at = at or timezone.now()
    today = calendar.taipei_date(at)
    windows = list(ApplicationWindow.objects.order_by("opens_on"))
    for window in windows:
        if window.is_open(at):
            return window
    upcoming = [w for w in windows if w.opens_on > today]
    if upcoming:
        return upcoming[0]
    return windows[-1] if windows else None


def application_year(at: dt.datetime | None = None) -> int:
    """The academic year plans are filed for now: the one starting next August (APP-3)."""
    at = at or timezone.now()
    return calendar.AcademicYear.of(at).roc + 1
