from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultingConfig(AppConfig):
    name = "consulting"
    verbose_name = _("Consulting and supervision")

    def ready(self):
        from celery.schedules import crontab

        from portal.audit.labels import register
        from portal.registry import (
            register_demo,
            register_home,
            register_nav,
            register_scale,
            register_schedule,
            register_school_panel,
            register_timeline,
        )

        from . import (
            reports,  # noqa: F401  (registers the consulting report)
            rules,  # noqa: F401
        )
        from .homes import home_sections, nav_items, school_panels, timeline_entries
        from .labels import AUDIT_LABELS

        register(AUDIT_LABELS)
        register_home(home_sections, order=60)
        register_nav(nav_items, order=60)
        register_school_panel(school_panels)
        register_timeline(timeline_entries)
        register_demo("consulting.demo", order=60)
        register_scale("consulting.scale", order=70)
        # Once a day; a second run the same day sends nothing twice.
        register_schedule(
            "consulting-reminders", "consulting.tasks.send_reminders", crontab(hour=8, minute=0)
        )
