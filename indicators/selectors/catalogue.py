"""Reads about the ministry's catalogue of indicators (IND-1, IND-4, PERF-5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from applications.items import ITEMS

from ..models import CatalogueVersion, Indicator


def catalogue_for_year(start_year: int) -> CatalogueVersion | None:
    """IND-4: the catalogue of a phase starting in ``start_year``: the latest published
    version whose first year is not after it."""
    return (
        CatalogueVersion.objects.filter(published_at__isnull=False, start_year__lte=start_year)
        .order_by("-start_year")
        .first()
    )


def catalogue_for_plan(plan) -> CatalogueVersion | None:
    return catalogue_for_year(plan.phase.start_year)


def versions():
    """Every version, oldest first, with its number of indicators still offered."""
    return list(
        CatalogueVersion.objects.select_related("based_on", "published_by")
        .annotate(active=Count("indicators", filter=Q(indicators__retired=False)))
        .order_by("start_year")
    )


def default_version() -> CatalogueVersion | None:
    """The catalogue shown first: the one of the phase under way (or the latest published)."""
    from portal.programme.selectors import current_phase

    phase = current_phase()
    version = catalogue_for_year(phase.start_year) if phase else None
    return version or CatalogueVersion.objects.filter(published_at__isnull=False).last()


@dataclass
class ItemGroup:
    number: int
    name: str
    indicators: list = field(default_factory=list)


def version_indicators(version: CatalogueVersion, *, include_retired: bool = True) -> list:
    """The version's indicators in order, each with ``item_numbers`` (two queries)."""
    indicators = list(
        Indicator.objects.filter(version=version)
        .prefetch_related("item_links")
        .order_by("order", "pk")
    )
    if not include_retired:
        indicators = [i for i in indicators if not i.retired]
    for indicator in indicators:
        indicator.item_numbers = sorted(link.item for link in indicator.item_links.all())
        indicator.is_shared = len(indicator.item_numbers) > 1
    return indicators


def catalogue_by_item(version: CatalogueVersion, query: str = "", item: int | None = None):
    """The catalogue item by item (PERF-3: the item is its qualitative indicator), each
    indicator under every item that lists it, marked shared with all its items (PERF-5);
    ``query`` keeps those whose name or definition contains it. Two queries whatever the
    size."""
    query = (query or "").strip()
    indicators = version_indicators(version)
    orders = {
        (link.indicator_id, link.item): link.order
        for indicator in indicators
        for link in indicator.item_links.all()
    }
    groups = []
    for number, programme_item in ITEMS.items():
        if item and number != item:
            continue
        group = ItemGroup(number, programme_item.name)
        group.indicators = sorted(
            (
                i
                for i in indicators
                if number in i.item_numbers
                and (not query or query in i.name or query in i.definition)
            ),
            key=lambda i: orders[(i.pk, number)],
        )
        if group.indicators or not query:
            groups.append(group)
    return groups


@dataclass
class Change:
    key: str
    name: str
    what: str  # added, removed, retired, restored, renamed, changed, relinked
    before: str = ""
    after: str = ""


def version_changes(old: CatalogueVersion, new: CatalogueVersion) -> list[Change]:
    """What changed from ``old`` to ``new``, indicator by indicator, followed by its key:
    added, removed, retired or restored, renamed, its definition or kind changed, and the
    items that list it (IND-4, PERF-5). Four queries."""
    before = {i.key: i for i in version_indicators(old)}
    after = {i.key: i for i in version_indicators(new)}
    changes: list[Change] = []
    fields = [
        ("kind", _("kind of value")),
        ("unit", _("unit")),
        ("decimal_places", _("decimal places")),
        ("direction", _("direction")),
        ("definition", _("how it is computed")),
        ("is_share_of_whole", _("share of a whole")),
    ]
    for key, indicator in after.items():
        was = before.get(key)
        if was is None:
            changes.append(Change(key, indicator.name, "added", after=_items(indicator)))
            continue
        if indicator.retired != was.retired:
            changes.append(
                Change(key, indicator.name, "retired" if indicator.retired else "restored")
            )
        if indicator.name != was.name:
            changes.append(Change(key, indicator.name, "renamed", was.name, indicator.name))
        for name, label in fields:
            old_value, new_value = getattr(was, name), getattr(indicator, name)
            if old_value != new_value:
                display = f"get_{name}_display"
                if hasattr(indicator, display):
                    old_value, new_value = getattr(was, display)(), getattr(indicator, display)()
                changes.append(
                    Change(
                        key,
                        indicator.name,
                        "changed",
                        f"{label}：{_plain(old_value)}",
                        f"{label}：{_plain(new_value)}",
                    )
                )
        if indicator.item_numbers != was.item_numbers:
            changes.append(Change(key, indicator.name, "relinked", _items(was), _items(indicator)))
    for key, indicator in before.items():
        if key not in after:
            changes.append(Change(key, indicator.name, "removed", before=_items(indicator)))
    return changes


def _plain(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _items(indicator) -> str:
    return "、".join(f"{n}. {ITEMS[n].name}" for n in indicator.item_numbers)
