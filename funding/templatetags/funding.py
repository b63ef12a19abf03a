from django import template

from ..checks import money

register = template.Library()


@register.filter
def thousands(value):
    """NT$ thousand with three decimals, grouped (1,234.500); — when unknown."""
    return "—" if value is None or value == "" else money(value)
