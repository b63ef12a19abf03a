"""What apps above ``applications`` add to a plan, without ``applications`` importing them.

- ``register_plan_checks(provider)``: ``provider(plan)`` returns more lines of the plan's
  submission checklist (``selectors.Check``); the server enforces them like its own.
- ``register_plan_filler(filler)``: ``filler(plan, by)`` completes what the app's checks ask
  for, through the app's services — used by the demo data and the test builders, so that a
  plan they call complete still is.
"""

from __future__ import annotations

from collections.abc import Callable

_CHECKS: list[Callable] = []
_FILLERS: list[Callable] = []


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
