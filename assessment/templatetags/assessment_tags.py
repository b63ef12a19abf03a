from django import template

from indicators.attainment import to_places

register = template.Library()


@register.filter
def places(value, count):
    """A value shown with its indicator's decimal places (— when there is none)."""
    if value is None or value == "":
        return "—"
    return to_places(value, int(count or 0))
