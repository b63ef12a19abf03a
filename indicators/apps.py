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
        self._contribute_to_plans()

        from .values import setup

        setup()

    def _contribute_to_plans(self):
        """The plan's checklist asks for the targets (IND-3, PERF-3); each submitted version
        freezes them; the demo and test builders complete them like the rest of a plan."""
        from django.db.models.signals import post_save

        from applications.hooks import register_plan_checks, register_plan_filler
        from applications.models import PlanVersion
        from portal.registry import register_demo, register_home, register_nav, register_scale

        from .demo import fill_plan_targets
        from .homes import home_sections
        from .navigation import nav_items
        from .selectors.targets import indicator_checks

        register_plan_checks(indicator_checks)
        register_plan_filler(fill_plan_targets)
        post_save.connect(
            _freeze_targets, sender=PlanVersion, dispatch_uid="indicators-freeze-targets"
        )
        register_nav(nav_items, order=40)
        register_home(home_sections, order=40)
        register_demo("indicators.demo", order=60)
        # The running plans (ctx.running_plans) and the values of the boards' year.
        register_scale("indicators.scale", order=55)


def _freeze_targets(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .services.targets import targets_freeze

        targets_freeze(instance)
