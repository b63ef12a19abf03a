"""An uploaded spreadsheet, read in the background and waiting for confirmation."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.documents.models import private_storage
from portal.fields import actor_field

from .enums import IN_PROGRESS, JobStatus


def upload_path(instance, filename):
    return f"imports/{instance.kind}/{filename}"


class ImportJob(models.Model):
    """One upload of one kind of import (the budget, the school directory, a cycle's scores,
    a year's indicator values): the file kept in the private storage, what reading it found
    (rows to apply, row errors) and how far the reading got. Nothing changes until the
    uploader confirms; applying checks every row again."""

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=upload_path, max_length=300
    )
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # What the import is for (a plan, a cycle, a year's report); none for the directory.
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows declared"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    message = models.TextField(_("why it was refused"), blank=True)
    uploaded_by = actor_field(_("uploaded by"), required=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "kind"])]

    def __str__(self):
        return self.file_name

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def can_apply(self) -> bool:
        return self.status == JobStatus.READY and not self.error_count and bool(self.rows)
