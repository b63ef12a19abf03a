"""Demo data for indicators: every demo plan's baselines and targets, written through the
services like a school would (``fill_plan_targets`` also completes the plans the test
builders make), a school-defined indicator in the demo school's draft plan, and then the
yearly values (``values.demo``)."""

from __future__ import annotations

from decimal import Decimal

from applications.demo import DEMO_SCHOOL
from applications.enums import ExpenseType, PlanKind, PlanStatus, YearStatus
from applications.models import BudgetLine, Plan, PlanEvent, PlanSection, PlanYear, SubPlan
from applications.sections import SECTION_FORMS

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


def missing_targets(plan: Plan) -> tuple[dict, list[int]]:
    """What ``fill_plan_targets`` sets: the demo's baseline and targets of every indicator of
    the plan's covered items without any (``Indicator`` → (baseline, {year: target})), and
    the covered items without their expected qualitative result."""
    snapshot = targets_snapshot(plan)
    years = plan_years(plan)
    wanted = {
        entry["id"]: entry
        for section in snapshot["items"]
        for entry in section["ministry"]
        if not entry["plan_indicator_id"] and not entry["retired"]
    }
    indicators = Indicator.objects.filter(pk__in=wanted).prefetch_related("item_links")
    entries = {i: _demo_targets(wanted[i.pk], years, i.pk) for i in indicators}
    return entries, [s["item"] for s in snapshot["items"] if not s["qualitative"]]


def fill_plan_targets(plan: Plan, by, *, missing: tuple[dict, list[int]] | None = None) -> None:
    """Give every indicator of the plan's covered items a baseline and a target per year,
    and every covered item its expected qualitative result — only where none is set yet
    (``missing``, when the caller already knows it: see ``missing_targets``)."""
    entries, items = missing or missing_targets(plan)
    targets_fill(plan=plan, entries=entries, by=by)
    for item in items:
        qualitative_save(plan=plan, item=item, text=QUALITATIVE, revision=None, by=by)


#: A running plan's budget lines of a year (name, expense type, amount in 仟元), spread over
#: its sub-plans.
RUNNING_LINES = [
    ("講座鐘點費", ExpenseType.BUSINESS, "180"),
    ("教學材料費", ExpenseType.BUSINESS, "120"),
    ("實習設備", ExpenseType.EQUIPMENT, "400"),
    ("雜支", ExpenseType.MISC, "30"),
]


def approved_plan(
    school,
    phase,
    items,
    *,
    coordinator,
    ministry,
    year: int,
    application_year: int | None = None,
    line_years=None,
    targets_cache: dict | None = None,
) -> Plan:
    """A plan of ``phase`` as the ministry approved it (there is no service that approves a
    plan without the whole review): a sub-plan per item, its targets set while it was a draft
    (``fill_plan_targets``), the years before ``year`` passed and the others active, 1200
    仟元 approved each year and a few budget lines in each of ``line_years`` (``year`` only
    by default). ``targets_cache`` keeps what ``fill_plan_targets`` sets for a phase and a set
    of items: the same for every new plan, so that many plans read the catalogue once. Used
    by the demos and the scale data's running plans."""
    plan = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        application_year=application_year or phase.start_year,
        created_by=coordinator,
    )
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, key=key, data={}) for key in SECTION_FORMS
    )
    PlanEvent.objects.create(
        plan=plan,
        from_status=PlanStatus.UNDER_REVIEW,
        to_status=PlanStatus.APPROVED,
        academic_year=phase.start_year,
        actor=ministry,
        comment="核定（示範資料）",
    )
    subplans = SubPlan.objects.bulk_create(
        SubPlan(
            plan=plan,
            item=item,
            title=f"項目{item}推動計畫",
            order=order,
            strategies="辦理研習、社群與實作課程",
            schedule={str(y): f"{y}學年度：辦理研習 4 場、社群 6 次" for y in phase.years},
        )
        for order, item in enumerate(items, 1)
    )
    missing = None
    if targets_cache is not None:
        key = (phase.pk, tuple(items))
        missing = targets_cache.get(key) or targets_cache.setdefault(key, missing_targets(plan))
    fill_plan_targets(plan, coordinator, missing=missing)  # written while a draft
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    PlanYear.objects.bulk_create(
        PlanYear(
            plan=plan,
            academic_year=y,
            status=YearStatus.PASSED if y < year else YearStatus.ACTIVE,
            approved_amount=Decimal("1200"),
            set_by=ministry,
        )
        for y in phase.years
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            plan=plan,
            sub_plan=subplan,
            academic_year=line_year,
            expense_type=kind,
            name=name,
            unit="式",
            quantity=Decimal("1"),
            unit_price=Decimal(amount),
            total=Decimal(amount),
            subsidy=Decimal(amount),
            own_funds=Decimal("0"),
        )
        for line_year in line_years or [year]
        for subplan, (name, kind, amount) in zip(subplans * 2, RUNNING_LINES, strict=False)
    )
    return plan


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
