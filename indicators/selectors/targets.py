"""Reads about a plan's indicators and targets (IND-3, PERF-3, PERF-4, PERF-5).

``targets_snapshot(plan)`` is the one shape every reader uses — the plan's targets page, the
frozen copy kept with each submitted version, the reviewers' page and the plan PDF — so what
the school saw is what was frozen and what the reviewers read.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.items import ITEMS
from applications.models import Plan
from portal.programme import calendar

from ..attainment import to_places
from ..models import (
    Indicator,
    IndicatorItem,
    PlanIndicator,
    PlanQualitativeResult,
    PlanTargetsVersion,
)
from .catalogue import catalogue_for_plan

SNAPSHOT_FORMAT = 1


def covered_items(plan: Plan) -> list[int]:
    """The items a plan covers: the items of its sub-plans (ITEM-1), in order."""
    return sorted(set(plan.subplans.values_list("item", flat=True)))


def plan_indicator_rows(plan: Plan) -> list[PlanIndicator]:
    """The plan's indicators with their indicator, targets and items loaded (three queries).
    Each row gets ``item_numbers``: the items that list its indicator, and
    ``target_by_year``."""
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


def plan_years(plan: Plan) -> list[int]:
    """The years that take a target: every academic year of the plan's phase (IND-3)."""
    return plan.phase.years


def baseline_year(plan: Plan) -> int:
    """The baseline is the actual value of the year before the phase (IND-3)."""
    return plan.phase.start_year - 1


def _number(value: Decimal | None, places: int) -> str | None:
    """A stored number as text with the indicator's decimal places (stored with four)."""
    return None if value is None else str(to_places(value, places))


def _indicator_data(indicator: Indicator, items: list[int]) -> dict:
    return {
        "id": indicator.pk,
        "key": indicator.key,
        "ministry": indicator.is_ministry,
        "name": indicator.name,
        "kind": indicator.kind,
        "kind_label": str(indicator.get_kind_display()),
        "unit": indicator.unit,
        "decimal_places": indicator.decimal_places,
        "direction": indicator.direction,
        "direction_label": str(indicator.get_direction_display()),
        "definition": indicator.definition,
        "items": items,
    }


def targets_snapshot(plan: Plan, *, with_ids: bool = True) -> dict:
    """The plan's indicators per covered item as plain data (what the version freezes).

    A shared indicator appears under every covered item that lists it, with the same
    baseline and targets — it is one row (PERF-5). Ministry indicators come from the
    catalogue of the plan's phase (IND-4), retired ones left out unless the plan already
    set targets for them; the school's own follow under their item (PERF-4); each item has
    its expected qualitative result (PERF-3).
    """
    version = catalogue_for_plan(plan)
    items = covered_items(plan)
    years = plan_years(plan)
    rows = {row.indicator_id: row for row in plan_indicator_rows(plan)}
    links = list(
        IndicatorItem.objects.filter(item__in=items)
        .filter(indicator__version=version)
        .select_related("indicator")
        .order_by("item", "order", "indicator__order")
        if version
        else []
    )
    all_items: dict[int, list[int]] = {}
    for link in IndicatorItem.objects.filter(
        indicator_id__in={link.indicator_id for link in links} | set(rows)
    ).values_list("indicator_id", "item"):
        all_items.setdefault(link[0], []).append(link[1])
    qualitative = {q.item: q for q in PlanQualitativeResult.objects.filter(plan=plan)}

    def entry(indicator: Indicator) -> dict:
        row = rows.get(indicator.pk)
        places = indicator.decimal_places
        data = _indicator_data(indicator, sorted(all_items.get(indicator.pk, [])))
        data.update(
            {
                "baseline": _number(row.baseline, places) if row else None,
                "targets": {
                    str(year): _number(row.target_by_year.get(year), places) if row else None
                    for year in years
                },
                "not_applicable": bool(row and row.not_applicable),
                "reason": row.not_applicable_reason if row else "",
            }
        )
        if with_ids:
            data["plan_indicator_id"] = row.pk if row else None
            data["revision"] = row.revision if row else None
            data["retired"] = indicator.retired
        return data

    sections = []
    for number in items:
        ministry = [
            entry(link.indicator)
            for link in links
            if link.item == number and (not link.indicator.retired or link.indicator_id in rows)
        ]
        own = [
            entry(row.indicator)
            for row in rows.values()
            if not row.indicator.is_ministry and number in row.item_numbers
        ]
        result = qualitative.get(number)
        section = {
            "item": number,
            "name": ITEMS[number].name,
            "ministry": ministry,
            "own": own,
            "qualitative": result.expected_result if result else "",
        }
        if with_ids:
            section["qualitative_revision"] = result.revision if result else None
        sections.append(section)
    return {
        "format": SNAPSHOT_FORMAT,
        "catalogue": {"id": version.pk, "label": version.label} if version else None,
        "baseline_year": baseline_year(plan),
        "years": years,
        "items": sections,
    }


def missing_of(entry: dict, years: list[int]) -> list[str]:
    """What one indicator still lacks: its baseline, a year's target (nothing when it is
    marked not applicable with a reason)."""
    if entry["not_applicable"] and entry["reason"].strip():
        return []
    missing = []
    if entry["baseline"] is None:
        missing.append(_("baseline"))
    for year in years:
        if entry["targets"].get(str(year)) is None:
            missing.append(_("target for %(year)s") % {"year": calendar.format_academic_year(year)})
    return missing


def targets_missing(snapshot: dict) -> list[tuple[int, str, list[str]]]:
    """(item, indicator name, what it lacks) for every incomplete indicator, each shared
    indicator named once (under the first item that lists it)."""
    years = snapshot["years"]
    seen: set[int] = set()
    missing = []
    for section in snapshot["items"]:
        for entry in [*section["ministry"], *section["own"]]:
            if entry["id"] in seen:
                continue
            seen.add(entry["id"])
            lacks = missing_of(entry, years)
            if lacks:
                missing.append((section["item"], entry["name"], lacks))
    return missing


def indicator_checks(plan: Plan) -> list:
    """The plan checklist's lines about indicators (IND-3, PERF-3): every indicator of a
    covered item has a baseline and a target for each year (or is not applicable, with a
    reason), and every covered item has its expected qualitative result."""
    from applications.selectors import Check

    items = covered_items(plan)
    if not items:
        return []
    snapshot = targets_snapshot(plan)
    url = reverse("indicators:plan_targets", args=[plan.pk])
    missing = targets_missing(snapshot)
    no_qualitative = [s for s in snapshot["items"] if not s["qualitative"].strip()]
    return [
        Check(
            "IND-3",
            _("Baseline and yearly targets of every indicator of the items covered"),
            not missing,
            url,
            "；".join(f"{name}（{'、'.join(lacks)}）" for _item, name, lacks in missing),
        ),
        Check(
            "PERF-3",
            _("Expected qualitative result of every item covered"),
            not no_qualitative,
            url,
            "、".join(f"{s['item']}. {s['name']}" for s in no_qualitative),
        ),
    ]


def frozen_targets(plan: Plan) -> list[PlanTargetsVersion]:
    return list(
        PlanTargetsVersion.objects.filter(plan_version__plan=plan)
        .select_related("plan_version", "plan_version__submitted_by")
        .order_by("-plan_version__number")
    )


def for_display(snapshot: dict | None) -> dict | None:
    """The snapshot with each indicator's targets as a list in the order of the years, and
    each shared indicator's other items, for templates."""
    if snapshot is None:
        return None
    years = snapshot["years"]
    for section in snapshot["items"]:
        for entry in [*section["ministry"], *section["own"]]:
            entry["target_list"] = [entry["targets"].get(str(year)) for year in years]
            entry["shared"] = len(entry["items"]) > 1
            entry["complete"] = not missing_of(entry, years)
    return snapshot
