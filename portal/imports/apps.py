from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "portal.imports"
    label = "imports"
    verbose_name = _("Spreadsheet imports")

    def ready(self):
        from portal.audit.labels import register

        register({"import.upload": _("Spreadsheet uploaded for import")})
