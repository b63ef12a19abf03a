from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "portal.documents"
    label = "documents"
    verbose_name = _("Generated documents")

    def ready(self):
        from celery import signals
        from django.core.signals import setting_changed

        from portal.audit.labels import register

        from . import recovery

        setting_changed.connect(_reset_private_storage, dispatch_uid="reset-private-storage")
        # Any worker that starts recovers the documents of one that died (no beat needed).
        signals.worker_ready.connect(
            recovery.on_worker_ready, weak=False, dispatch_uid="documents-sweeper-start"
        )
        signals.worker_shutdown.connect(
            recovery.on_worker_shutdown, weak=False, dispatch_uid="documents-sweeper-stop"
        )
        register({"document.retry": _("Document tried again")})


def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        from django.utils.functional import empty

        from .models import PRIVATE_STORAGE

        PRIVATE_STORAGE._wrapped = empty
