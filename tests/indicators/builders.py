"""Build plans with indicator targets, through the services, for the catalogue and targets
tests (IND-A's part)."""

from __future__ import annotations

from decimal import Decimal

from applications import services as plan_services
from indicators.models import Indicator
from indicators.selectors.catalogue import catalogue_for_plan
from indicators.services.targets import targets_save
from tests.applications.builders import add_subplan, fill_sections, open_phase_now

SHARED = "導入合作學習策略班級數"  # items 2, 3, 7 and 8 (PERF-5)


def ministry_indicator(plan, name) -> Indicator:
    return Indicator.objects.get(version=catalogue_for_plan(plan), name=name)


def draft_plan(school, coordinator, items=(7,)):
    """A draft plan of the open phase with sections and a sub-plan per item (no targets)."""
    open_phase_now()
    plan = plan_services.plan_start(school=school, by=coordinator)
    fill_sections(plan, coordinator)
    for item in items:
        add_subplan(plan, coordinator, item)
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
