"""Phases (期程, SCHED-1) and application windows (APP-3), as data."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import actor_field

from . import calendar


class Phase(models.Model):
    """A phase of the programme: three academic years as a rule (SCHED-1)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first academic year (ROC)"), unique=True)
    end_year = models.PositiveSmallIntegerField(_("last academic year (ROC)"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                name="phase_years_ordered",
                condition=Q(end_year__gte=F("start_year")),
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programme:phase_edit", args=[self.pk])

    @property
    def years(self):
        return list(range(self.start_year, self.end_year + 1))

    @property
    def length(self):
        return self.end_year - self.start_year + 1

    def year_number(self, academic_year: int) -> int:
        """1, 2 or 3: the place of an academic year within the phase."""
        if not self.start_year <= academic_year <= self.end_year:
            raise ValueError("The academic year is outside the phase.")
        return academic_year - self.start_year + 1

    def contains_year(self, academic_year: int) -> bool:
        return self.start_year <= academic_year <= self.end_year


class ApplicationWindow(models.Model):
    """When plans for one academic year may be submitted (APP-3).

    Whole days in Asia/Taipei: open from 00:00 on ``opens_on`` to the end of
    ``closes_on``.
    """

    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"), unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = actor_field(_("updated by"))

    class Meta:
        verbose_name = _("application window")
        verbose_name_plural = _("application windows")
        ordering = ["-academic_year"]
        constraints = [
            models.CheckConstraint(
                name="window_dates_ordered",
                condition=Q(closes_on__gte=F("opens_on")),
                violation_error_message=_("The window cannot close before it opens."),
            ),
        ]

    def __str__(self):
        return str(self.academic_year)

    @property
    def opens_at(self) -> dt.datetime:
        return calendar.start_of_day(self.opens_on)

    @property
    def closes_at(self) -> dt.datetime:
        """The first moment after the window (exclusive end)."""
        return calendar.start_of_day(self.closes_on + dt.timedelta(days=1))

    def is_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def state(self, at: dt.datetime | None = None) -> str:
        at = at or timezone.now()
        if at < self.opens_at:
            return "upcoming"
        if at >= self.closes_at:
            return "closed"
        return "open"
