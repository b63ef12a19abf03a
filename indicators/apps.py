from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Performance indicators")

    def ready(self):
        from portal.audit.labels import register

        from . import rules  # noqa: F401  (the permissions)
        from .labels import AUDIT_LABELS

        register(AUDIT_LABELS)
