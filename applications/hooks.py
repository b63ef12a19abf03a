"""What apps above ``applications`` add to a plan, without ``applications`` importing them.

- ``register_plan_checks(provider)``: ``provider(plan)`` returns more lines of the plan's
  submission checklist (``selectors.Check``); the server enforces them like its own.
- ``register_plan_filler(filler)``: ``filler(plan, by)`` completes what the app's checks ask
  for, through the app's services — used by the demo data and the test builders, so that a
  plan they call complete still is.
- ``register_previous_results(provider)``: ``provider(plan, user)`` returns what the app
  knows of the school's previous phase for a follow-up plan's results section (APP-4) — a
  ``PreviousResults`` — or None; ``user`` is None when no one is looking (the plan starting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_CHECKS: list[Callable] = []
_FILLERS: list[Callable] = []
_PREVIOUS: list[Callable] = []


@dataclass(frozen=True)
class PreviousResults:
    """The previous phase's results as another app holds them (APP-4): a partial shown above
    the section's form, with its context, and section data for a section still empty."""

    template: str
    context: dict = field(default_factory=dict)
    prefill: dict = field(default_factory=dict)


def register_plan_checks(provider: Callable) -> None:
    if provider not in _CHECKS:
        _CHECKS.append(provider)


def register_plan_filler(filler: Callable) -> None:
    if filler not in _FILLERS:
        _FILLERS.append(filler)


def contributed_checks(plan) -> list:
    return [check for provider in _CHECKS for check in provider(plan)]


def fill_contributed_parts(plan, by) -> None:
    for filler in _FILLERS:
        filler(plan, by)


def register_previous_results(provider: Callable) -> None:
    if provider not in _PREVIOUS:
        _PREVIOUS.append(provider)


def previous_results(plan, user=None) -> PreviousResults | None:
    """The first registered account of the previous phase's results for ``plan`` (APP-4)."""
    for provider in _PREVIOUS:
        found = provider(plan, user)
        if found is not None:
            return found
    return None
