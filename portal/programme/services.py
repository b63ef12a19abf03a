"""Writes to the programme calendar, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot

from .models import ApplicationWindow, Phase

PHASE_FIELDS = ["name", "start_year", "end_year", "notes"]
WINDOW_FIELDS = ["academic_year", "opens_on", "closes_on"]


def phase_save(*, phase: Phase, by) -> Phase:
    """Save a phase (SCHED-1). Phases may not overlap."""
    with transaction.atomic():
        is_new = phase.pk is None
        before = None if is_new else snapshot(Phase.objects.get(pk=phase.pk), PHASE_FIELDS)
        phase.full_clean()
        overlapping = Phase.objects.filter(
            start_year__lte=phase.end_year, end_year__gte=phase.start_year
        ).exclude(pk=phase.pk)
        if overlapping.exists():
            raise ValidationError(
                _("The years overlap with the phase %(name)s.") % {"name": overlapping.first().name}
            )
        phase.save()
        after = snapshot(phase, PHASE_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="phase.create" if is_new else "phase.update",
                target=phase,
                before=before,
                after=after,
            )
    return phase


def window_save(*, window: ApplicationWindow, by) -> ApplicationWindow:
    """Save the application window of an academic year (APP-3)."""
    with transaction.atomic():
        is_new = window.pk is None
        before = (
            None if is_new else snapshot(ApplicationWindow.objects.get(pk=window.pk), WINDOW_FIELDS)
        )
        window.updated_by = by
        window.full_clean()
        window.save()
        after = snapshot(window, WINDOW_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="window.create" if is_new else "window.update",
                target=window,
                before=before,
                after=after,
            )
    return window
