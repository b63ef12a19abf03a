from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Programme budget")

    def ready(self):
        from portal.audit.labels import register
        from portal.registry import register_demo, register_home, register_nav
        from review.hooks import register_approval_check, register_decision_panel

        from . import rules  # noqa: F401  (permissions)
        from .checks import approval_refusal
        from .homes import home_sections, nav_items
        from .labels import AUDIT_LABELS
        from .panels import decision_panel

        register(AUDIT_LABELS)
        # APP-7: an approval must fit the ministry's yearly budget for the programme.
        register_approval_check(approval_refusal)
        register_decision_panel(decision_panel)
        register_nav(nav_items, order=48)
        register_home(home_sections, order=52)
        register_demo("funding.demo", order=80)
