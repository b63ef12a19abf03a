from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from portal.audit.labels import register

        from . import reports  # noqa: F401  (registers the plan PDF)
        from .labels import AUDIT_LABELS

        register(AUDIT_LABELS)

        from . import reminders

        reminders.register()

        from . import budget_import

        budget_import.register_kind()
