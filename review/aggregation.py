"""The arithmetic of the review, on exact decimals (SEL-1, SEL-2, SEL-4, SEL-7).

Rounding, stated once and used everywhere:

- A review's weighted total is ``100 × Σ(points ÷ maximum × weight) ÷ Σ weight``, computed
  at full ``Decimal`` precision and rounded half up to 2 decimal places. That rounded total is
  what the score sheet shows and what everything below starts from.
- An application's score is the mean or the median of its counted reviews' totals, rounded
  half up to 2 decimal places (the median of an even count is the mean of the middle two).
- z-score normalisation: for each reviewer with at least two counted reviews in the round and
  a spread above zero, ``z = (total − reviewer's mean) ÷ reviewer's standard deviation``, and
  the normalised total is ``M + S × z``, where ``M`` and ``S`` are the mean and standard
  deviation of every counted total in the round; so it stays on the 100-point scale. Standard
  deviations are population ones (÷ n): a reviewer's reviews in a round are all of them, not a
  sample. A reviewer with one review, or who gave every application the same total, keeps
  their raw totals: their leniency cannot be estimated. Normalised totals are rounded half up
  to 2 places before they are aggregated like raw ones.
- The focus-support bonus (SEL-7) is added to the score the ranking uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .enums import USES_THRESHOLD, USES_TOP_N, Aggregation, PassRule

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or an exponent: 4.00 → "4", 12.50 → "12.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_total(items: Iterable[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """The weighted total out of 100 of ``(points, maximum, weight)`` triples (SEL-1, SEL-2)."""
    items = list(items)
    if not items:
        raise ValueError("A rubric needs at least one criterion.")
    with localcontext() as ctx:
        ctx.prec = 34
        total_weight = sum((w for _p, _m, w in items), Decimal(0))
        weighted = sum((p / m * w for p, m, w in items), Decimal(0))
        value = HUNDRED * weighted / total_weight
    return round2(value)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        value = sum(values, Decimal(0)) / len(values)
    return round2(value)


def median(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round2(ordered[middle])
    return round2((ordered[middle - 1] + ordered[middle]) / 2)


def aggregate(values: Sequence[Decimal], method: str) -> Decimal | None:
    return median(values) if method == Aggregation.MEDIAN else mean(values)


def _stats(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """Mean and population standard deviation, unrounded."""
    n = len(values)
    m = sum(values, Decimal(0)) / n
    variance = sum(((v - m) ** 2 for v in values), Decimal(0)) / n
    return m, variance.sqrt()


def zscore_normalise(totals: Sequence[tuple[object, object, Decimal]]) -> dict[object, Decimal]:
    """Normalised totals of ``(review key, reviewer key, total)`` triples, by review key."""
    if not totals:
        return {}
    with localcontext() as ctx:
        ctx.prec = 34
        overall_mean, overall_sd = _stats([t for _r, _w, t in totals])
        by_reviewer: dict[object, list[Decimal]] = defaultdict(list)
        for _review, reviewer, total in totals:
            by_reviewer[reviewer].append(total)
        stats = {}
        for reviewer, values in by_reviewer.items():
            if len(values) >= 2:
                m, sd = _stats(values)
                if sd > 0:
                    stats[reviewer] = (m, sd)
        result = {}
        for review, reviewer, total in totals:
            if reviewer in stats:
                m, sd = stats[reviewer]
                result[review] = round2(overall_mean + overall_sd * (total - m) / sd)
            else:
                result[review] = total
    return result


# --- Ranking and the pass rule -------------------------------------------------------------


@dataclass
class Ranked:
    """What the pass rule needs to know of an application."""

    key: object
    final: Decimal | None
    focus: bool = False
    rank: int | None = None


def rank(rows: list[Ranked]) -> list[Ranked]:
    """Sort best first and give competition ranks (1, 2, 2, 4); no score ranks last, unranked."""
    scored = sorted((r for r in rows if r.final is not None), key=lambda r: -r.final)
    unscored = [r for r in rows if r.final is None]
    previous = None
    for position, row in enumerate(scored, 1):
        row.rank = previous.rank if previous and previous.final == row.final else position
        previous = row
    for row in unscored:
        row.rank = None
    return scored + unscored


def _first(rows: list[Ranked], n: int) -> set:
    """The first ``n`` of ranked rows, and any tied with the last of them: a tie is never
    split."""
    chosen = set()
    last = None
    for row in rows:
        if len(chosen) < n or (last is not None and row.final == last):
            chosen.add(row.key)
            last = row.final
        else:
            break
    return chosen


def top_set(rows: list[Ranked], n: int, reserved: int = 0) -> set:
    """The top N, with ``reserved`` of its places kept for focus-support schools (SEL-7).

    The best ``min(reserved, n)`` focus-support schools take their places first; the other
    places go to the best of the rest, by rank.
    """
    scored = [r for r in rows if r.final is not None]
    focus = [r for r in scored if r.focus][: min(reserved, n)]
    chosen = {r.key for r in focus}
    rest = [r for r in scored if r.key not in chosen]
    return chosen | _first(rest, n - len(chosen))


def passers(
    rows: list[Ranked],
    *,
    rule: str,
    threshold: Decimal | None,
    top_n: int | None,
    reserved: int = 0,
) -> set:
    """The keys of the applications the rule passes (SEL-4): the threshold and/or the top N.

    ``rows`` are ranked (see ``rank``). An application without a score never passes.
    """
    scored = [r for r in rows if r.final is not None]
    above = {r.key for r in scored if threshold is not None and r.final >= threshold}
    top = top_set(scored, top_n, reserved) if top_n else set()
    if rule == PassRule.THRESHOLD:
        return above
    if rule == PassRule.TOP_N:
        return top
    if rule == PassRule.THRESHOLD_AND_TOP_N:
        # The top N of those at or above the threshold: the same set as "both", except that
        # reserved places go only to focus-support schools that reach the threshold.
        return top_set([r for r in scored if r.key in above], top_n, reserved) if top_n else set()
    if rule == PassRule.THRESHOLD_OR_TOP_N:
        return above | top
    raise ValueError(f"Unknown pass rule {rule!r}")


def rule_is_complete(rule: str, threshold, top_n) -> bool:
    return (rule not in USES_THRESHOLD or threshold is not None) and (
        rule not in USES_TOP_N or bool(top_n)
    )
