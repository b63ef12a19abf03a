"""Every generated file, whatever it is: its kind, owner object, status and file."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from portal.fields import actor_field

from .enums import DocumentStatus


class _PrivateStorage(LazyObject):
    """The "private" storage of ``STORAGES``, looked up when first used (and again after
    ``STORAGES`` changes, see ``DocumentsConfig.ready``)."""

    def _setup(self):
        self._wrapped = storages["private"]


PRIVATE_STORAGE = _PrivateStorage()


def private_storage():
    return PRIVATE_STORAGE


def document_path(instance, filename):
    return f"documents/{instance.kind}/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


class GeneratedDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("target_type", "target_id")
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, blank=True, max_length=300
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = actor_field(_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The lease of the worker making it: a fresh token per attempt, renewed by a heartbeat
    # while rendering. A lease whose heartbeat stopped belongs to a worker that died.
    lease = models.UUIDField(_("lease"), null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # When a worker should have taken it (queued now, or after a retry's back-off).
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "kind"], name="document_target_idx")
        ]

    def __str__(self):
        from .registry import get_kind

        kind = get_kind(self.kind)
        return self.file_name or f"{kind.label if kind else self.kind} #{self.pk}"

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)

    @property
    def is_retrying(self):
        return self.status == DocumentStatus.RETRYING
