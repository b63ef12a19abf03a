"""Build plans with indicator targets, through the services, for the catalogue and targets
tests."""

from __future__ import annotations

from decimal import Decimal

from applications import services as plan_services
from applications.models import SubPlan
from indicators.models import Indicator
from indicators.selectors.catalogue import catalogue_for_plan
from indicators.services.targets import targets_save
from tests.applications.builders import fill_sections, open_phase_now

SHARED = "導入合作學習策略班級數"  # items 2, 3, 7 and 8 (PERF-5)


def ministry_indicator(plan, name) -> Indicator:
    return Indicator.objects.get(version=catalogue_for_plan(plan), name=name)


def bare_subplan(plan, by, item, **kwargs):
    """A complete sub-plan under ``item`` — without the targets the applications builder's
    ``add_subplan`` fills in for other apps' tests."""
    subplan = SubPlan(
        item=item,
        title=kwargs.pop("title", f"項目{item}子計畫"),
        goals="目標",
        strategies="策略與活動",
        schedule={str(y): f"{y}學年度執行" for y in plan.plan_years},
        expected_quantitative="參與教師 30 人",
        expected_qualitative="教學品質提升",
        owner="教務處",
        **kwargs,
    )
    return plan_services.subplan_save(plan=plan, subplan=subplan, revision=None, by=by)


def draft_plan(school, coordinator, items=(7,)):
    """A draft plan of the open phase with sections and a sub-plan per item (no targets)."""
    open_phase_now()
    plan = plan_services.plan_start(school=school, by=coordinator)
    fill_sections(plan, coordinator)
    for item in items:
        bare_subplan(plan, coordinator, item)
    return plan


def set_targets(plan, by, name, baseline="10", targets=("11", "12", "13"), **kwargs):
    indicator = ministry_indicator(plan, name) if isinstance(name, str) else name
    row = plan.indicator_targets.filter(indicator=indicator).first()
    return targets_save(
        plan=plan,
        indicator=indicator,
        baseline=None if baseline is None else Decimal(baseline),
        targets={
            year: None if value is None else Decimal(value)
            for year, value in zip(plan.phase.years, targets, strict=False)
        },
        revision=row.revision if row else None,
        by=by,
        **kwargs,
    )
