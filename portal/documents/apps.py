from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "portal.documents"
    label = "documents"
    verbose_name = _("Generated documents")

    def ready(self):
        from django.core.signals import setting_changed

        setting_changed.connect(_reset_private_storage, dispatch_uid="reset-private-storage")


def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        from django.utils.functional import empty

        from .models import PRIVATE_STORAGE

        PRIVATE_STORAGE._wrapped = empty
