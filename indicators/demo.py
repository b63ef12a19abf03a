"""Demo data for indicators: every demo plan's baselines and targets, written through the
services like a school would (``fill_plan_targets`` also completes the plans the test
builders make), a school-defined indicator in the demo school's draft plan, and then the
yearly values (``values.demo``)."""

from __future__ import annotations

from decimal import Decimal

from applications.demo import DEMO_SCHOOL
from applications.enums import PlanStatus
from applications.models import Plan

from .attainment import to_places
from .enums import Direction, IndicatorKind
from .models import Indicator, PlanIndicator
from .selectors.targets import plan_years, targets_snapshot
from .services.targets import (
    own_indicator_save,
    qualitative_save,
    targets_fill,
    targets_save,
)

QUALITATIVE = "建立具體可行之推動機制，師生參與度與滿意度逐年提升，成果於校內外分享推廣。"


def _start_value(kind: str, share: bool, order: int) -> Decimal:
    """A plausible baseline, varied by the indicator's place in the catalogue."""
    if kind == IndicatorKind.SCORE:
        return Decimal("3.60") + Decimal(order % 5) / 10
    if kind == IndicatorKind.RATIO:
        return Decimal(40 + (order * 7) % 45) if share else Decimal(8 + order % 12)
    if kind in (IndicatorKind.AVERAGE, IndicatorKind.HOURS):
        return Decimal(6 + order % 10)
    return Decimal(4 + (order * 3) % 20)


def _demo_targets(entry: dict, years: list[int], order: int) -> tuple[Decimal, dict]:
    places = entry["decimal_places"]
    share = entry["kind"] == IndicatorKind.RATIO and entry["unit"] == "%"
    base = _start_value(entry["kind"], share, order)
    step = Decimal("0.1") if entry["kind"] == IndicatorKind.SCORE else Decimal(1)
    if entry["direction"] == Direction.LOWER:
        base = min(base, Decimal(12)) if share else base
        step = -min(step, base / 10)
    targets = {y: to_places(base + step * (i + 1), places) for i, y in enumerate(years)}
    return to_places(base, places), targets


def fill_plan_targets(plan: Plan, by) -> None:
    """Give every indicator of the plan's covered items a baseline and a target per year,
    and every covered item its expected qualitative result — only where none is set yet."""
    snapshot = targets_snapshot(plan)
    years = plan_years(plan)
    wanted = {
        entry["id"]: entry
        for section in snapshot["items"]
        for entry in section["ministry"]
        if not entry["plan_indicator_id"] and not entry["retired"]
    }
    indicators = Indicator.objects.filter(pk__in=wanted).prefetch_related("item_links")
    targets_fill(
        plan=plan,
        entries={i: _demo_targets(wanted[i.pk], years, i.pk) for i in indicators},
        by=by,
    )
    for section in snapshot["items"]:
        if not section["qualitative"]:
            qualitative_save(
                plan=plan, item=section["item"], text=QUALITATIVE, revision=None, by=by
            )


def seed_own_indicator() -> None:
    """The demo school's draft plan gets one school-defined indicator (PERF-4)."""
    plan = (
        Plan.objects.filter(school__code=DEMO_SCHOOL, status=PlanStatus.DRAFT)
        .select_related("phase", "school")
        .first()
    )
    if plan is None or plan.own_indicators.exists() or not plan.subplans.filter(item=7).exists():
        return
    by = plan.created_by
    indicator = own_indicator_save(
        plan=plan,
        item=7,
        values={
            "name": "學習扶助課程學生成績進步人數比率",
            "kind": IndicatorKind.RATIO,
            "unit": "%",
            "decimal_places": 2,
            "numerator_label": "成績進步之受扶助學生人數",
            "denominator_label": "參加學習扶助課程學生人數",
            "definition": "成績進步之受扶助學生人數 ÷ 參加學習扶助課程學生人數 × 100%",
            "direction": Direction.HIGHER,
        },
        by=by,
    )
    row = PlanIndicator.objects.get(plan=plan, indicator=indicator)
    years = plan_years(plan)
    targets_save(
        plan=plan,
        indicator=indicator,
        baseline=Decimal("55.00"),
        targets={y: Decimal(60 + 5 * i) for i, y in enumerate(years)},
        revision=row.revision,
        by=by,
    )


def seed() -> None:
    from .values.demo import seed_values

    seed_own_indicator()
    seed_values()
