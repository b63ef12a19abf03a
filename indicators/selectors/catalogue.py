"""Reads about the ministry's catalogue of indicators (IND-1, IND-4, PERF-5)."""

from __future__ import annotations

from ..models import CatalogueVersion


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
