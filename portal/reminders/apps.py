from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "portal.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from celery.schedules import crontab

        from portal.audit.labels import register
        from portal.registry import register_schedule

        from . import rules  # noqa: F401

        register({"reminder.setting": _("Reminder schedule changed")})
        # Every quarter of an hour: each kind is sent once its time of day has come (Taiwan
        # time, as ministry staff set it); the log keeps a second run from sending again.
        register_schedule(
            "portal-reminders", "portal.reminders.tasks.send_due_reminders", crontab(minute="*/15")
        )
