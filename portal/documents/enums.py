from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    RETRYING = "retrying", _("Retrying")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


IN_FLIGHT = (DocumentStatus.QUEUED, DocumentStatus.RUNNING, DocumentStatus.RETRYING)
"""Not finished: a worker will (or does) make it."""

WAITING = (DocumentStatus.QUEUED, DocumentStatus.RETRYING)
"""Waiting for a worker to take it."""
