"""What a school types for one indicator's value, checked before anything is stored (IND-1, IND-3).

Impossible values are refused with a message that says why, and the caller keeps what was
typed: a negative number, a count that is not whole, a ratio with a zero denominator, a share
of a whole above 100 % (numerator above denominator). A quotient is typed as its numerator
and denominator; its value is computed (never typed) by ``indicators.attainment`` with its
one stated rounding (ROUND_HALF_UP to the indicator's decimal places).

No number may be negative, except for an indicator the catalogue marks as a net figure
(``allows_negative``); a denominator never.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: The most a number typed for an indicator may be: beyond it the value is a typing mistake.
LIMIT = Decimal("1000000000")
#: What is stored keeps at most this many decimals.
MAX_PLACES = 4


@dataclass(frozen=True)
class CleanValue:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    note: str

    @property
    def is_empty(self) -> bool:
        return self.value is None


def parse_number(text) -> Decimal | None:
    """A number as people type it (1,234.5 or ５０ in full width), None when nothing is typed.

    Raises ``ValueError`` for anything that is not a finite number."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        number = text
    elif isinstance(text, (int, float)):
        number = Decimal(str(text))
    else:
        cleaned = str(text).strip().translate(_FULL_WIDTH).replace(",", "").replace(" ", "")
        if cleaned.endswith("%"):
            cleaned = cleaned[:-1]
        if not cleaned:
            return None
        try:
            number = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(cleaned) from exc
    if not number.is_finite():
        raise ValueError(str(text))
    return number


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－％", "0123456789.,-%")


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _is_ratio(indicator) -> bool:
    """Kept as numerator and denominator, the value computed (IND-1)."""
    return bool(indicator.is_quotient)


def _is_count(indicator) -> bool:
    return str(indicator.kind) == "count"


def clean_value(indicator, *, numerator=None, denominator=None, value=None, note="") -> CleanValue:
    """Check what was typed for ``indicator`` and compute its value (IND-1).

    Reading the text is done here (full-width digits, thousands separators, a trailing %);
    what is impossible and how the value is computed are ``indicators.attainment``'s
    ``number_problems`` and ``compute_value`` — one arithmetic for the whole portal. A count
    must also be whole. Nothing typed at all is an empty value (not reported yet), allowed in
    a draft. Raises ``ValidationError`` keyed by ``numerator``, ``denominator`` or ``value``."""
    from indicators.attainment import compute_value, number_problems

    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    quotient = _is_ratio(indicator)

    def number(field, text):
        try:
            parsed = parse_number(text)
        except ValueError:
            errors.setdefault(field, []).append(_("Enter a number."))
            return None
        if parsed is not None and abs(parsed) > LIMIT:
            errors.setdefault(field, []).append(_("The number is too large."))
        elif parsed is not None and _places(parsed) > MAX_PLACES:
            errors.setdefault(field, []).append(_("At most %(n)s decimals.") % {"n": MAX_PLACES})
        return parsed

    top = number("numerator", numerator) if quotient else None
    bottom = number("denominator", denominator) if quotient else None
    typed = None if quotient else number("value", value)
    if errors:
        raise ValidationError(errors)
    problems = number_problems(indicator, numerator=top, denominator=bottom, value=typed)
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})
    if typed is not None and _is_count(indicator) and typed != typed.to_integral_value():
        raise ValidationError({"value": _("A count is a whole number.")})
    computed = compute_value(indicator, numerator=top, denominator=bottom, value=typed)
    return CleanValue(top, bottom, computed, note)
