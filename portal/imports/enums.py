from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    READING = "reading", _("Being read")
    READY = "ready", _("Awaiting confirmation")
    FAILED = "failed", _("Refused")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


#: The states in which the page keeps asking for news.
IN_PROGRESS = (JobStatus.QUEUED, JobStatus.READING)
