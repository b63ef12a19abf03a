"""The arithmetic of indicators, in one place (IND-1, IND-2, IND-3, PERF-5).

- ``to_places`` is the one rounding used everywhere: ROUND_HALF_UP to the indicator's decimal
  places (a half rounds away from zero: 12.345 → 12.35, 2.5 → 3).
- ``compute_value`` turns what a school typed into the value kept: a quotient (a rate or a
  ratio, or an average given as total and count) is numerator ÷ denominator × multiplier,
  computed on exact decimals and rounded once; any other value is rounded the same way.
  ``number_problems`` names what makes an input impossible (negative, zero denominator,
  a share of a whole above 100).
- ``judge`` compares an actual value with its target respecting the direction (IND-2): equal
  to the target is met both ways.
- ``plan_attainment`` gives, for one plan and one academic year, every indicator's outcome,
  the change from its baseline, each item's share of indicators met and the overall share.
  A shared indicator is judged once and counts for every item that lists it (PERF-5).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext as _

from .enums import Attainment, Direction

ROUNDING = ROUND_HALF_UP
HUNDRED = Decimal(100)


def to_places(value: Decimal | int | str | None, places: int) -> Decimal | None:
    """The one rounding: ROUND_HALF_UP to ``places`` decimal places."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def ratio(numerator, denominator, *, scale: int = 1, places: int = 2) -> Decimal:
    """numerator ÷ denominator × scale, computed exactly (as a fraction) and rounded once,
    ROUND_HALF_UP to ``places``. A zero denominator raises ``ZeroDivisionError`` (callers
    refuse it first with ``number_problems``)."""
    exact = Fraction(Decimal(numerator)) * scale / Fraction(Decimal(denominator))
    shifted = exact * 10**places
    # Half away from zero, like ROUND_HALF_UP, on the exact fraction.
    units = math.floor(abs(shifted) + Fraction(1, 2))
    return Decimal(-units if shifted < 0 else units).scaleb(-places)


def compute_value(indicator, *, numerator=None, denominator=None, value=None) -> Decimal | None:
    """The value kept for what was typed: computed from numerator and denominator for a
    quotient, else the value itself; rounded by ``to_places``. None when nothing was typed."""
    if indicator.is_quotient:
        if numerator is None or denominator is None:
            return None
        return ratio(numerator, denominator, scale=indicator.scale, places=indicator.decimal_places)
    return to_places(value, indicator.decimal_places)


def number_problems(indicator, *, numerator=None, denominator=None, value=None) -> dict:
    """What makes an input impossible, by field name, in the user's language (IND-1): a
    negative number (unless the indicator is a net figure), a zero denominator, a share of a
    whole above 100, a numerator without a denominator or the other way round."""
    problems: dict[str, str] = {}
    negative = _("It cannot be negative.")
    if indicator.is_quotient:
        if (numerator is None) != (denominator is None):
            missing = "denominator" if denominator is None else "numerator"
            problems[missing] = _("Give both the numerator and the denominator.")
            return problems
        if numerator is None:
            return problems
        if numerator < 0 and not indicator.allows_negative:
            problems["numerator"] = negative
        if denominator == 0:
            problems["denominator"] = _("The denominator cannot be zero.")
        elif denominator < 0:
            problems["denominator"] = negative
        elif (
            "numerator" not in problems
            and indicator.is_share_of_whole
            and ratio(numerator, denominator, scale=indicator.scale, places=8) > 100
        ):
            problems["numerator"] = _(
                "This is a share of a whole: the numerator cannot be larger than the denominator."
            )
        return problems
    if value is None:
        return problems
    if value < 0 and not indicator.allows_negative:
        problems["value"] = negative
    return problems


def target_problem(indicator, value) -> str | None:
    """Why a baseline or target cannot be kept for this indicator, or None."""
    if value is None:
        return None
    if value < 0 and not indicator.allows_negative:
        return _("It cannot be negative.")
    if indicator.is_share_of_whole and value > HUNDRED:
        return _("This is a percentage of a whole: it cannot exceed 100.")
    try:
        rounded = to_places(value, indicator.decimal_places)
    except InvalidOperation:
        return _("The number is too large.")
    if rounded != value:
        return _("Use at most %(places)s decimal places.") % {"places": indicator.decimal_places}
    return None


def judge(actual: Decimal | None, target: Decimal | None, direction: str) -> str:
    """IND-2: met when the actual value reaches the target in the indicator's direction —
    at least the target when higher is better, at most when lower is better; equal is met
    both ways. No target → no target; no actual value → not reported."""
    if target is None:
        return Attainment.NO_TARGET
    if actual is None:
        return Attainment.NOT_REPORTED
    if direction == Direction.LOWER:
        return Attainment.MET if actual <= target else Attainment.NOT_MET
    return Attainment.MET if actual >= target else Attainment.NOT_MET


def change_from_baseline(actual: Decimal | None, baseline: Decimal | None, places: int):
    """actual − baseline, rounded like the values; None when either is missing. The sign is
    the raw change: whether it is an improvement depends on the direction."""
    if actual is None or baseline is None:
        return None
    return to_places(actual - baseline, places)


def improved(change: Decimal | None, direction: str) -> bool | None:
    if change is None:
        return None
    return change < 0 if direction == Direction.LOWER else change > 0


@dataclass
class IndicatorResult:
    plan_indicator: object
    indicator: object
    items: list[int]
    academic_year: int
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    status: str
    change: Decimal | None

    @property
    def improved(self):
        return improved(self.change, self.indicator.direction)


@dataclass
class Share:
    """How many of a set of indicators were met, of those judged (met or not met)."""

    met: int = 0
    not_met: int = 0
    not_reported: int = 0
    no_target: int = 0
    not_applicable: int = 0

    def add(self, status: str) -> None:
        setattr(self, str(status), getattr(self, str(status)) + 1)

    @property
    def judged(self) -> int:
        return self.met + self.not_met

    @property
    def share(self) -> Decimal | None:
        """met ÷ judged as a percentage, rounded to 2 places; None when nothing was judged."""
        if not self.judged:
            return None
        return ratio(self.met, self.judged, scale=100, places=2)


@dataclass
class PlanAttainment:
    academic_year: int
    results: list[IndicatorResult] = field(default_factory=list)
    items: dict[int, Share] = field(default_factory=dict)
    overall: Share = field(default_factory=Share)

    def by_item(self) -> dict[int, list[IndicatorResult]]:
        grouped: dict[int, list[IndicatorResult]] = defaultdict(list)
        for result in self.results:
            for item in result.items:
                grouped[item].append(result)
        return dict(sorted(grouped.items()))


def indicator_result(
    plan_indicator, academic_year: int, *, items, target=None, actual=None
) -> IndicatorResult:
    indicator = plan_indicator.indicator
    if plan_indicator.not_applicable:
        status = Attainment.NOT_APPLICABLE
    else:
        status = judge(actual, target, indicator.direction)
    return IndicatorResult(
        plan_indicator=plan_indicator,
        indicator=indicator,
        items=list(items),
        academic_year=academic_year,
        baseline=plan_indicator.baseline,
        target=target,
        actual=actual,
        status=status,
        change=change_from_baseline(actual, plan_indicator.baseline, indicator.decimal_places),
    )


def attainment_of(
    plan_indicators, academic_year: int, *, items_of, targets, actuals, covered_items
) -> PlanAttainment:
    """The attainment of one year from data already loaded (no queries):

    - ``plan_indicators``: the plan's ``PlanIndicator`` rows with ``indicator`` loaded;
    - ``items_of``: plan indicator id → the items that list its indicator;
    - ``targets``: plan indicator id → the target of ``academic_year`` (absent: no target);
    - ``actuals``: plan indicator id → the reported value (absent or None: not reported);
    - ``covered_items``: the items the plan covers (an indicator counts for those only).
    """
    result = PlanAttainment(academic_year=academic_year)
    covered = set(covered_items)
    for number in sorted(covered):
        result.items[number] = Share()
    for plan_indicator in plan_indicators:
        items = [n for n in items_of.get(plan_indicator.pk, ()) if n in covered]
        if not items:
            continue
        row = indicator_result(
            plan_indicator,
            academic_year,
            items=items,
            target=targets.get(plan_indicator.pk),
            actual=actuals.get(plan_indicator.pk),
        )
        result.results.append(row)
        result.overall.add(row.status)
        for number in items:
            result.items[number].add(row.status)
    return result


def plan_attainment(plan, academic_year: int, *, actuals: dict | None = None) -> PlanAttainment:
    """The attainment of ``plan`` in ``academic_year`` (IND-2), read in four queries.
    ``actuals`` (plan indicator id → value) may be passed to judge values not yet saved;
    otherwise the values of the year's report are read."""
    from .selectors.targets import covered_items, plan_indicator_rows

    rows = plan_indicator_rows(plan)
    targets = {
        row.pk: t.value
        for row in rows
        for t in row.targets.all()
        if t.academic_year == academic_year
    }
    if actuals is None:
        from .models import YearValue

        actuals = dict(
            YearValue.objects.filter(
                report__plan=plan, report__academic_year=academic_year
            ).values_list("plan_indicator_id", "value")
        )
    return attainment_of(
        rows,
        academic_year,
        items_of={row.pk: row.item_numbers for row in rows},
        targets=targets,
        actuals=actuals,
        covered_items=covered_items(plan),
    )
