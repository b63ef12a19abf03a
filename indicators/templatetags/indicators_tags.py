from django import template

from ..selectors.targets import for_display, targets_snapshot

register = template.Library()


@register.simple_tag
def plan_targets(plan):
    """The plan's indicators and targets per item, for the plan PDF (IND-3)."""
    return for_display(targets_snapshot(plan, with_ids=False))


@register.simple_tag
def version_targets(plan_version):
    """The targets frozen with one submitted plan version, or None (IND-3)."""
    from ..models import PlanTargetsVersion

    frozen = PlanTargetsVersion.objects.filter(plan_version=plan_version).first()
    return for_display(frozen.snapshot) if frozen else None
