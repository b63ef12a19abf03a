from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Performance assessment")

    def ready(self):
        from celery.schedules import crontab

        from applications.hooks import register_previous_results
        from applications.services import register_start_check
        from portal.audit.labels import register
        from portal.registry import (
            register_demo,
            register_home,
            register_nav,
            register_scale,
            register_schedule,
        )

        from . import reports, rules  # noqa: F401  (documents and permissions)
        from .homes import home_sections, nav_items
        from .labels import AUDIT_LABELS
        from .previous_results import previous_results
        from .services import follow_up_refusal

        register(AUDIT_LABELS)
        # SCHED-4, RES-1: the outcomes decide whether a follow-up plan may be filed.
        register_start_check(follow_up_refusal)
        # APP-4: a follow-up plan's results section draws on the whole-term report.
        register_previous_results(previous_results)
        register_nav(nav_items, order=45)
        register_home(home_sections, order=55)
        register_demo("assessment.demo", order=70)
        # The reports, panel, visits and outcomes of the year the board shows.
        register_scale("assessment.scale", order=58)
        register_schedule(
            "assessment-reminders",
            "assessment.tasks.send_reminders",
            crontab(hour=8, minute=30),
        )
