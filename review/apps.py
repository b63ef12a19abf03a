from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Committee review")

    def ready(self):
        from portal.audit.labels import register

        from . import reports  # noqa: F401  (registers the review's documents)
        from .labels import AUDIT_LABELS

        register(AUDIT_LABELS)

        from . import reminders

        # Reviewers with reviews due, sent by portal.reminders' beat schedule at the time
        # ministry staff set for this kind (registered once there, not per app).
        reminders.register()
