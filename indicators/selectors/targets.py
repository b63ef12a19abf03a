"""Reads about a plan's indicators and targets (IND-3, PERF-3, PERF-4, PERF-5)."""

from __future__ import annotations

from applications.models import Plan

from ..models import PlanIndicator


def covered_items(plan: Plan) -> list[int]:
    """The items a plan covers: the items of its sub-plans (ITEM-1), in order."""
    return sorted(set(plan.subplans.values_list("item", flat=True)))


def plan_indicator_rows(plan: Plan) -> list[PlanIndicator]:
    """The plan's indicators with their indicator, targets and items loaded (three queries).
    Each row gets ``item_numbers``: the items that list its indicator."""
    rows = list(
        PlanIndicator.objects.filter(plan=plan)
        .select_related("indicator")
        .prefetch_related("targets", "indicator__item_links")
        .order_by("indicator__plan_id", "indicator__order", "pk")
    )
    for row in rows:
        row.item_numbers = [link.item for link in row.indicator.item_links.all()]
        row.target_by_year = {t.academic_year: t.value for t in row.targets.all()}
    return rows
