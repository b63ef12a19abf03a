"""Every URL pattern of the portal, read from Django's URL resolver (so that a page added to
any app's ``urls.py`` is in the matrix without anyone listing it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

#: Patterns left out of the matrix, each with its reason. Everything else must be declared.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: staff accounts only, guarded by the admin site itself",
    "static/": "static files, public by design",
}
EXCLUDED_NAMES = {
    "set_language": "Django's i18n language switch: public by design, changes only a cookie",
}


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    kwargs: tuple[str, ...]
    callback: object

    def __str__(self):
        return f"{self.name} ({self.route})"


def _walk(resolver, prefix="", namespace=None, outer=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            own = tuple(getattr(entry.pattern, "converters", {}))
            yield from _walk(entry, prefix + str(entry.pattern), inner, outer + own)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            route = prefix + str(entry.pattern)
            yield Pattern(
                route=route,
                name=name,
                kwargs=outer + tuple(getattr(entry.pattern, "converters", {})),
                callback=entry.callback,
            )


def all_patterns() -> list[Pattern]:
    """Every named pattern but the excluded ones, in the resolver's order."""
    found = []
    for pattern in _walk(get_resolver()):
        if any(pattern.route.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        if pattern.name in EXCLUDED_NAMES:
            continue
        found.append(pattern)
    return found


def unnamed(patterns) -> list[Pattern]:
    return [p for p in patterns if not p.name]
