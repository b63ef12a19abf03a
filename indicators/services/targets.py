"""Writes about a plan's indicators: baselines and yearly targets (IND-3), not applicable with
a reason, the school's own indicators (PERF-4), the expected qualitative result per item
(PERF-3), and the copy frozen with each submitted plan version.

Only the plan's coordinators write, and only while the plan may change (the plan's own
rule, ``applications.services.require_editable``, checked on the locked plan).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from applications.budget import EditConflict
from applications.items import ITEMS
from applications.models import Plan, PlanVersion
from applications.services import PlanError, require_editable
from portal.audit.services import audit_record

from ..attainment import target_problem
from ..enums import Direction, IndicatorKind
from ..models import (
    Indicator,
    IndicatorItem,
    PlanIndicator,
    PlanQualitativeResult,
    PlanTarget,
    PlanTargetsVersion,
)
from ..selectors.catalogue import catalogue_for_plan
from ..selectors.targets import covered_items, plan_years, targets_snapshot
from .common import IndicatorError

__all__ = [
    "EditConflict",
    "own_indicator_remove",
    "own_indicator_save",
    "qualitative_save",
    "targets_fill",
    "targets_freeze",
    "targets_save",
]

OWN_FIELDS = [
    "name",
    "kind",
    "unit",
    "decimal_places",
    "numerator_label",
    "denominator_label",
    "definition",
    "direction",
]


def _require_coordinator(plan: Plan, by) -> None:
    if not by.has_perm("indicators.edit_targets", plan):
        raise IndicatorError(_("Only a coordinator of this school can set the plan's targets."))


def _require_editable(plan: Plan) -> None:
    try:
        require_editable(plan)
    except PlanError as exc:
        raise IndicatorError(str(exc)) from exc


def _state(row: PlanIndicator | None) -> dict | None:
    if row is None:
        return None
    return {
        "baseline": None if row.baseline is None else str(row.baseline),
        "targets": {str(t.academic_year): str(t.value) for t in row.targets.all()},
        "not_applicable": row.not_applicable,
        "reason": row.not_applicable_reason,
    }


def _check_indicator(plan: Plan, indicator: Indicator, *, version=None, items=None) -> None:
    """The indicator belongs to this plan: a ministry indicator of its phase's catalogue
    listed under an item the plan covers (IND-4, PERF-5), or one of its own (PERF-4).
    ``version`` and ``items`` may be passed when checking many at once."""
    if indicator.is_ministry:
        version = version or catalogue_for_plan(plan)
        items = set(items if items is not None else covered_items(plan))
        linked = {link.item for link in indicator.item_links.all()}
        if version is None or indicator.version_id != version.pk or not (linked & items):
            raise IndicatorError(_("This indicator is not one of the plan's items."))
    elif indicator.plan_id != plan.pk:
        raise IndicatorError(_("This indicator is not one of the plan's items."))


def targets_save(
    *,
    plan: Plan,
    indicator: Indicator,
    baseline: Decimal | None,
    targets: dict[int, Decimal | None],
    not_applicable: bool = False,
    reason: str = "",
    revision: int | None,
    by,
) -> PlanIndicator:
    """Save one indicator's baseline and its target for each year of the phase (IND-3).

    One row per indicator whatever the number of items listing it (PERF-5). Marking a
    ministry indicator not applicable needs a reason; its baseline and targets are then
    cleared (the audit row keeps them). ``revision`` is the row's revision when the form was
    loaded (None for a first save): a save over someone else's raises ``EditConflict``.
    """
    _require_coordinator(plan, by)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not_applicable and not reason:
        errors["reason"] = _("Say why the indicator does not apply to the plan.")
    if not_applicable and not indicator.is_ministry:
        errors["not_applicable"] = _(
            "The school's own indicator cannot be marked not applicable: remove it instead."
        )
    years = plan_years(plan)
    unknown = set(targets) - set(years)
    if unknown:
        raise IndicatorError(_("A target is only set for the years of the plan's phase."))
    if not not_applicable:
        problem = target_problem(indicator, baseline)
        if problem:
            errors["baseline"] = problem
        for year, value in targets.items():
            problem = target_problem(indicator, value)
            if problem:
                errors[f"target_{year}"] = problem
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)
    with transaction.atomic():
        _require_editable(plan)
        _check_indicator(plan, indicator)
        row = (
            PlanIndicator.objects.select_for_update().filter(plan=plan, indicator=indicator).first()
        )
        if row is None and revision is not None:
            raise EditConflict(None)
        if row is not None and revision != row.revision:
            raise EditConflict(row)
        if row is None and indicator.retired:
            raise IndicatorError(_("This indicator is retired: it takes no new targets."))
        before = _state(row)
        if row is None:
            row = PlanIndicator(plan=plan, indicator=indicator)
        row.baseline = None if not_applicable else baseline
        row.not_applicable = not_applicable
        row.not_applicable_reason = reason if not_applicable else ""
        row.updated_by = by
        if row.pk is None:
            row.save()
        else:
            row.revision = F("revision") + 1
            row.save(
                update_fields=[
                    "baseline",
                    "not_applicable",
                    "not_applicable_reason",
                    "revision",
                    "updated_by",
                    "updated_at",
                ]
            )
            row.refresh_from_db()
        kept = {} if not_applicable else {y: v for y, v in targets.items() if v is not None}
        row.targets.exclude(academic_year__in=list(kept)).delete()
        for year, value in kept.items():
            PlanTarget.objects.update_or_create(
                plan_indicator=row, academic_year=year, defaults={"value": value}
            )
        after = _state(row)
        if before != after:
            audit_record(
                actor=by,
                action="indicators.targets.save",
                target=plan,
                school=plan.school,
                before=before and {"indicator": indicator.name, **before},
                after={"indicator": indicator.name, **after},
            )
    return row


def targets_fill(*, plan: Plan, entries: dict, by) -> int:
    """Set the baseline and yearly targets of several indicators at once — only those the
    plan has none for yet (a first fill, e.g. from a copy; never over what was typed).
    ``entries`` maps an ``Indicator`` to ``(baseline, {year: target})``. Each value is
    checked like ``targets_save`` does; one audit row lists them. Returns how many were set."""
    from django.core.exceptions import ValidationError

    _require_coordinator(plan, by)
    years = set(plan_years(plan))
    for indicator, (baseline, targets) in entries.items():
        if set(targets) - years:
            raise IndicatorError(_("A target is only set for the years of the plan's phase."))
        for value in [baseline, *targets.values()]:
            problem = target_problem(indicator, value)
            if problem:
                raise ValidationError(f"{indicator.name}：{problem}")
    with transaction.atomic():
        _require_editable(plan)
        taken = set(PlanIndicator.objects.filter(plan=plan).values_list("indicator_id", flat=True))
        todo = {i: v for i, v in entries.items() if i.pk not in taken}
        version, items = catalogue_for_plan(plan), covered_items(plan)
        for indicator in todo:
            _check_indicator(plan, indicator, version=version, items=items)
            if indicator.retired:
                raise IndicatorError(_("This indicator is retired: it takes no new targets."))
        rows = PlanIndicator.objects.bulk_create(
            PlanIndicator(plan=plan, indicator=indicator, baseline=baseline, updated_by=by)
            for indicator, (baseline, _targets) in todo.items()
        )
        PlanTarget.objects.bulk_create(
            PlanTarget(plan_indicator=row, academic_year=year, value=value)
            for row, (_baseline, targets) in zip(rows, todo.values(), strict=True)
            for year, value in targets.items()
            if value is not None
        )
        if rows:
            audit_record(
                actor=by,
                action="indicators.targets.save",
                target=plan,
                school=plan.school,
                after={"indicators": [indicator.name for indicator in todo]},
            )
    return len(rows)


def own_indicator_save(
    *, plan: Plan, item: int, values: dict, indicator: Indicator | None = None, by
) -> Indicator:
    """Add or change one of the school's own indicators (校訂項目, PERF-4) under an item the
    plan covers: its name, kind, unit, decimal places, direction and how it is computed."""
    _require_coordinator(plan, by)
    from django.core.exceptions import ValidationError

    name = (values.get("name") or "").strip()
    errors: dict[str, str] = {}
    if item not in ITEMS:
        errors["item"] = _("Choose one of the nine items.")
    if not name:
        errors["name"] = _("Give the indicator a name.")
    if values.get("kind") not in IndicatorKind.values:
        errors["kind"] = _("Choose the kind of value.")
    if values.get("direction") not in Direction.values:
        errors["direction"] = _("Say whether a higher or a lower value is better.")
    if values.get("kind") == IndicatorKind.RATIO and not (
        (values.get("numerator_label") or "").strip()
        and (values.get("denominator_label") or "").strip()
    ):
        errors["denominator_label"] = _("Say what the numerator and the denominator count.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _require_editable(plan)
        if item not in covered_items(plan):
            raise ValidationError(
                {"item": _("The plan has no sub-plan under this item: add one first.")}
            )
        is_new = indicator is None
        if is_new:
            indicator = Indicator(plan=plan)
            before = None
        else:
            indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
            if indicator.plan_id != plan.pk:
                raise IndicatorError(_("This indicator is not one of the plan's items."))
            before = {f: str(getattr(indicator, f)) for f in OWN_FIELDS}
        for field in OWN_FIELDS:
            value = values.get(field)
            setattr(indicator, field, value.strip() if isinstance(value, str) else value)
        indicator.name = name
        indicator.decimal_places = int(values.get("decimal_places") or 0)
        is_percentage = indicator.kind == IndicatorKind.RATIO and indicator.unit in ("%", "％")
        indicator.scale = 100 if is_percentage else 1
        indicator.full_clean(exclude=["version", "plan", "key"])
        if is_new:
            indicator.order = (
                Indicator.objects.filter(plan=plan).count() + 1
            )  # after the school's others
            indicator.save()
            IndicatorItem.objects.create(indicator=indicator, item=item)
            PlanIndicator.objects.create(plan=plan, indicator=indicator, updated_by=by)
        else:
            indicator.save()
            indicator.item_links.exclude(item=item).delete()
            IndicatorItem.objects.get_or_create(indicator=indicator, item=item)
        after = {f: str(getattr(indicator, f)) for f in OWN_FIELDS}
        audit_record(
            actor=by,
            action="indicators.own.add" if is_new else "indicators.own.change",
            target=plan,
            school=plan.school,
            before=before,
            after={"item": item, **after},
        )
    return indicator


def own_indicator_remove(*, plan: Plan, indicator: Indicator, by) -> None:
    """Remove one of the school's own indicators with its baseline and targets (PERF-4)."""
    _require_coordinator(plan, by)
    with transaction.atomic():
        _require_editable(plan)
        if indicator.plan_id != plan.pk:
            raise IndicatorError(_("This indicator is not one of the plan's items."))
        row = PlanIndicator.objects.filter(plan=plan, indicator=indicator).first()
        if row is not None and row.values.exists():
            raise IndicatorError(
                _("Values were already reported for this indicator: it cannot be removed.")
            )
        before = {"indicator": indicator.name, **(_state(row) or {})}
        if row is not None:
            row.delete()
        indicator.delete()
        audit_record(
            actor=by,
            action="indicators.own.remove",
            target=plan,
            school=plan.school,
            before=before,
        )


def qualitative_save(*, plan: Plan, item: int, text: str, revision: int | None, by):
    """The expected qualitative result of one covered item (PERF-3)."""
    _require_coordinator(plan, by)
    text = (text or "").strip()
    with transaction.atomic():
        _require_editable(plan)
        if item not in covered_items(plan):
            raise IndicatorError(_("The plan has no sub-plan under this item."))
        row = PlanQualitativeResult.objects.select_for_update().filter(plan=plan, item=item).first()
        if row is None and revision is not None:
            raise EditConflict(None)
        if row is not None and revision != row.revision:
            raise EditConflict(row)
        before = row.expected_result if row else None
        if row is None:
            row = PlanQualitativeResult.objects.create(
                plan=plan, item=item, expected_result=text, updated_by=by
            )
        else:
            row.expected_result = text
            row.updated_by = by
            row.revision = F("revision") + 1
            row.save(update_fields=["expected_result", "updated_by", "revision", "updated_at"])
            row.refresh_from_db()
        if before != text:
            audit_record(
                actor=by,
                action="indicators.qualitative.save",
                target=plan,
                school=plan.school,
                before=None if before is None else {"item": item, "text": before},
                after={"item": item, "text": text},
            )
    return row


def targets_freeze(plan_version: PlanVersion) -> PlanTargetsVersion:
    """Freeze the plan's targets with a version just submitted (IND-3): reviewers read this
    copy, whatever the school changes later. Called when the version is created, in the
    same transaction."""
    plan = plan_version.plan
    version = catalogue_for_plan(plan)
    return PlanTargetsVersion.objects.create(
        plan_version=plan_version,
        catalogue=version,
        snapshot=targets_snapshot(plan, with_ids=False),
    )
