from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "portal.schools"
    label = "schools"
    verbose_name = _("Schools and evaluations")

    def ready(self):
        from . import imports, reports  # noqa: F401  (registers the school profile PDF)

        imports.register_kinds()
