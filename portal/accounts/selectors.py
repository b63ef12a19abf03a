"""Reads about users and their roles."""

from collections.abc import Iterable

from .models import User


def users_with_role(*roles, schools: Iterable[int] | None = None, active_schools_only=False):
    """Active users holding one of ``roles`` through a grant in force; with ``schools``, only
    grants at those schools (ids); with ``active_schools_only``, at any active school."""
    filters = {
        "grants__role__in": [str(r) for r in roles],
        "grants__revoked_at__isnull": True,
        "is_active": True,
    }
    if schools is not None:
        filters["grants__school_id__in"] = list(schools)
    if active_schools_only:
        filters["grants__school__is_active"] = True
    return list(User.objects.filter(**filters).distinct())
