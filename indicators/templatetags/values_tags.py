"""Template filters of the yearly values' pages."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def num(value, empty="—"):
    """A stored number as people write it: 12.5 (stored 12.5000), 40 (stored 40.0000)."""
    if value in (None, ""):
        return empty
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        return value
    if number == number.to_integral_value():
        return format(number.quantize(Decimal(1)), "f")
    return format(number.normalize(), "f")
