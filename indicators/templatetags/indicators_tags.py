from django import template

from ..selectors.targets import for_display, targets_snapshot

register = template.Library()


@register.simple_tag
def plan_targets(plan):
    """The plan's indicators and targets per item, for the plan PDF (IND-3)."""
    return for_display(targets_snapshot(plan, with_ids=False))
