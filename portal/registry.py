"""What each app contributes to the core's pages and jobs.

The core never imports an app above it. An app that adds menu items, home-page sections,
demo data or scheduled jobs registers them in its ``AppConfig.ready()``; the core reads these
registries when it builds the menu, the home page, the demo or the beat schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Contribution:
    order: int
    provider: Callable[..., list[Any]]


_NAV: list[Contribution] = []
_HOME: list[Contribution] = []
_DEMO: list[tuple[int, str]] = []
_SCHOOL: list[Contribution] = []
_TIMELINE: list[Contribution] = []
_SCALE: list[tuple[int, str]] = []


def _add(registry: list[Contribution], provider, order: int) -> None:
    if all(c.provider is not provider for c in registry):
        registry.append(Contribution(order, provider))
        registry.sort(key=lambda c: c.order)


def register_nav(provider: Callable[[Any], list[Any]], *, order: int = 50) -> None:
    """``provider(user)`` returns the app's ``NavItem``s for that user (maybe none)."""
    _add(_NAV, provider, order)


def register_home(provider: Callable[[Any], list[Any]], *, order: int = 50) -> None:
    """``provider(user)`` returns the app's home-page ``Section``s for that user."""
    _add(_HOME, provider, order)


def register_school_panel(provider: Callable[[Any, Any], list[Any]], *, order: int = 50) -> None:
    """``provider(user, school)`` returns ``(template, context)`` pairs: the app's sections of
    the school's page, for a user who may see the school."""
    _add(_SCHOOL, provider, order)


def register_timeline(provider: Callable[[Any, Any], list[Any]], *, order: int = 50) -> None:
    """``provider(user, school)`` returns the app's entries of the school's timeline: dicts
    with ``at`` (an aware datetime), ``year`` (ROC), ``label``, ``text`` and ``url`` (or
    None where the user may not open the object)."""
    _add(_TIMELINE, provider, order)


def register_demo(module: str, *, order: int = 50) -> None:
    """A module whose ``seed()`` loads the app's demo data, after the core's (order 0)."""
    if all(name != module for _, name in _DEMO):
        _DEMO.append((order, module))
        _DEMO.sort()


def register_scale(module: str, *, order: int = 50) -> None:
    """A module whose ``build(ctx)`` adds the app's volume to ``manage.py seed_scale`` (the
    benchmark's national-scale data), after the core, plans and review (see portal.scale)."""
    if all(name != module for _, name in _SCALE):
        _SCALE.append((order, module))
        _SCALE.sort()


def register_schedule(name: str, task: str, schedule: Any, **options: Any) -> None:
    """A periodic task for Celery beat (the app's reminders and clean-ups)."""
    from portal.celery import app

    app.conf.beat_schedule = {
        **(app.conf.beat_schedule or {}),
        name: {"task": task, "schedule": schedule, **options},
    }


def nav_contributions(user) -> list[Any]:
    return [item for c in _NAV for item in c.provider(user)]


def home_contributions(user) -> list[Any]:
    return [section for c in _HOME for section in c.provider(user)]


def school_panels(user, school) -> list[Any]:
    return [panel for c in _SCHOOL for panel in c.provider(user, school)]


def timeline_entries(user, school) -> list[Any]:
    return [entry for c in _TIMELINE for entry in c.provider(user, school)]


def demo_modules() -> list[str]:
    return [name for _, name in _DEMO]


def scale_stages() -> list[str]:
    return [name for _, name in _SCALE]
