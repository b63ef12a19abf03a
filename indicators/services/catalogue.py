"""Writes about the ministry's catalogue of indicators (IND-1, IND-2, IND-4, PERF-5).

A published version is never changed: schools set targets and report values against it.
Ministry staff revise the catalogue for a later phase by copying the latest version into a
new one, changing the copy (rename, add, retire, relink) and publishing it (IND-4).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.items import ITEMS
from portal.audit.services import audit_record, snapshot
from portal.programme import calendar

from ..enums import IndicatorKind
from ..models import CatalogueVersion, Indicator, IndicatorItem
from .common import IndicatorError

INDICATOR_FIELDS = [
    "name",
    "kind",
    "unit",
    "decimal_places",
    "scale",
    "is_share_of_whole",
    "allows_negative",
    "numerator_label",
    "denominator_label",
    "definition",
    "direction",
]
VERSION_FIELDS = ["start_year", "label", "note"]


def _require_manager(by) -> None:
    if not by.has_perm("indicators.manage_catalogue"):
        raise IndicatorError(_("Only ministry staff can revise the indicator catalogue."))


def _require_draft(version: CatalogueVersion) -> CatalogueVersion:
    """IND-4: a published version stays as schools used it. Locks the version."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise IndicatorError(
            _(
                "This catalogue version is published and schools use it, so it cannot change. "
                "Copy it into a new version for a later phase."
            )
        )
    return version


def _check_start_year(start_year: int, exclude: CatalogueVersion | None = None) -> None:
    """A new version is for a later phase: one that has not begun, after every other
    version's first year (IND-4)."""
    current = calendar.AcademicYear.of(timezone.now()).roc
    if start_year <= current:
        raise ValidationError(
            {
                "start_year": _(
                    "A new catalogue is for a phase that has not begun: choose a year after "
                    "%(year)s."
                )
                % {"year": calendar.format_academic_year(current)}
            }
        )
    others = CatalogueVersion.objects.exclude(pk=getattr(exclude, "pk", None))
    latest = others.aggregate(m=Max("start_year"))["m"]
    if latest is not None and start_year <= latest:
        raise ValidationError(
            {
                "start_year": _("Choose a year after %(year)s, the start of the latest version.")
                % {"year": calendar.format_academic_year(latest)}
            }
        )


def version_create(
    *, source: CatalogueVersion, start_year: int, label: str, note: str = "", by
) -> CatalogueVersion:
    """A new, unpublished version for the phases from ``start_year``: a copy of ``source``
    (every indicator with its key and its items), to revise before publishing (IND-4)."""
    _require_manager(by)
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Give the version a label.")})
    with transaction.atomic():
        _check_start_year(start_year)
        version = CatalogueVersion.objects.create(
            start_year=start_year, label=label, note=note.strip(), based_on=source, created_by=by
        )
        links = list(
            IndicatorItem.objects.filter(indicator__version=source).values_list(
                "indicator_id", "item", "order"
            )
        )
        copies = {}
        for indicator in Indicator.objects.filter(version=source).order_by("order", "pk"):
            old_pk = indicator.pk
            copy = Indicator(
                version=version,
                key=indicator.key,
                order=indicator.order,
                retired=indicator.retired,
                **{field: getattr(indicator, field) for field in INDICATOR_FIELDS},
            )
            copies[old_pk] = copy
        Indicator.objects.bulk_create(copies.values())
        IndicatorItem.objects.bulk_create(
            IndicatorItem(indicator=copies[indicator_id], item=item, order=order)
            for indicator_id, item, order in links
        )
        audit_record(
            actor=by,
            action="indicators.catalogue.create",
            target=version,
            after={**snapshot(version, VERSION_FIELDS), "based_on": source.label},
        )
    return version


def version_update(*, version: CatalogueVersion, values: dict, by) -> CatalogueVersion:
    """Change an unpublished version's first year, label or note."""
    _require_manager(by)
    with transaction.atomic():
        version = _require_draft(version)
        if int(values["start_year"]) != version.start_year:
            _check_start_year(int(values["start_year"]), exclude=version)
        before = snapshot(version, VERSION_FIELDS)
        version.start_year = int(values["start_year"])
        version.label = values["label"].strip()
        version.note = (values.get("note") or "").strip()
        version.save(update_fields=VERSION_FIELDS)
        after = snapshot(version, VERSION_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="indicators.catalogue.change",
                target=version,
                before=before,
                after=after,
            )
    return version


def _next_key() -> str:
    """A key no indicator has had, in any version: Q67, Q68…"""
    numbers = [
        int(match.group(1))
        for key in Indicator.objects.exclude(key="").values_list("key", flat=True)
        if (match := re.fullmatch(r"Q(\d+)", key))
    ]
    return f"Q{max(numbers, default=0) + 1:02d}"


def _clean_items(items) -> list[int]:
    numbers = sorted({int(n) for n in items})
    if not numbers or any(n not in ITEMS for n in numbers):
        raise ValidationError({"items": _("Choose at least one of the nine items.")})
    return numbers


def indicator_save(
    *, version: CatalogueVersion, values: dict, items, indicator: Indicator | None = None, by
) -> Indicator:
    """Add an indicator to an unpublished version, or change one (rename it, change how it
    is computed, its direction…) and the items that list it (PERF-5). An indicator copied
    from the earlier version keeps its key, so the comparison of versions follows it."""
    _require_manager(by)
    numbers = _clean_items(items)
    with transaction.atomic():
        version = _require_draft(version)
        is_new = indicator is None
        if is_new:
            indicator = Indicator(
                version=version,
                key=_next_key(),
                order=(version.indicators.aggregate(m=Max("order"))["m"] or 0) + 1,
            )
            before = None
            before_items: list[int] = []
        else:
            indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
            if indicator.version_id != version.pk:
                raise IndicatorError(_("This indicator is not in this catalogue version."))
            before = snapshot(indicator, INDICATOR_FIELDS)
            before_items = sorted(indicator.item_links.values_list("item", flat=True))
        for field in INDICATOR_FIELDS:
            if field in values:
                value = values[field]
                setattr(indicator, field, value.strip() if isinstance(value, str) else value)
        if indicator.kind != IndicatorKind.RATIO:
            indicator.is_share_of_whole = False
        indicator.full_clean(exclude=["plan", "version", "key"])
        try:
            with transaction.atomic():
                indicator.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"name": _("This catalogue version already has an indicator with this name.")}
            ) from exc
        if numbers != before_items:
            indicator.item_links.exclude(item__in=numbers).delete()
            for number in numbers:
                if number not in before_items:
                    last = IndicatorItem.objects.filter(
                        item=number, indicator__version=version
                    ).aggregate(m=Max("order"))["m"]
                    IndicatorItem.objects.create(
                        indicator=indicator, item=number, order=(last or 0) + 1
                    )
        after = snapshot(indicator, INDICATOR_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="indicators.indicator.add" if is_new else "indicators.indicator.change",
                target=version,
                before=before,
                after={"key": indicator.key, **after},
            )
        if not is_new and numbers != before_items:
            audit_record(
                actor=by,
                action="indicators.indicator.relink",
                target=version,
                before={"key": indicator.key, "items": before_items},
                after={"key": indicator.key, "items": numbers},
            )
    return indicator


def indicator_retire(*, indicator: Indicator, retired: bool, by) -> Indicator:
    """Retire an indicator in an unpublished version (no longer offered for targets), or
    bring it back. It stays in the version, so the comparison shows it retired."""
    _require_manager(by)
    with transaction.atomic():
        _require_draft(indicator.version)
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.retired == retired:
            return indicator
        indicator.retired = retired
        indicator.save(update_fields=["retired"])
        audit_record(
            actor=by,
            action="indicators.indicator.retire" if retired else "indicators.indicator.restore",
            target=indicator.version,
            after={"key": indicator.key, "name": indicator.name},
        )
    return indicator


def version_publish(*, version: CatalogueVersion, by) -> CatalogueVersion:
    """Publish a version: the plans of the phases from its first year use it, and it can no
    longer change (IND-4). Every indicator still offered must be listed under an item."""
    _require_manager(by)
    with transaction.atomic():
        version = _require_draft(version)
        active = version.indicators.filter(retired=False)
        if not active.exists():
            raise IndicatorError(_("The version has no indicator to offer."))
        unlinked = list(active.filter(item_links__isnull=True).values_list("name", flat=True))
        if unlinked:
            raise IndicatorError(
                _("Each indicator must be listed under an item: %(names)s")
                % {"names": "、".join(unlinked)}
            )
        version.published_at = timezone.now()
        version.published_by = by
        version.save(update_fields=["published_at", "published_by"])
        audit_record(
            actor=by,
            action="indicators.catalogue.publish",
            target=version,
            after={"label": version.label, "start_year": version.start_year},
        )
    return version
