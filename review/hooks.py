"""What apps above ``review`` add to its decision, without ``review`` importing them.

- ``register_approval_check(check)``: ``check(plan, amounts)`` returns why approving the plan
  with ``amounts`` ({academic year: NT$ thousand}) cannot be recorded, or None. It runs
  inside the decision's transaction, after the amounts are validated and before anything is
  written; several decisions recorded at once run in one transaction, so each check sees the
  ones recorded before it.
- ``register_decision_panel(panel)``: ``panel(years, amounts)`` returns HTML shown beside the
  decision form ({academic year: the amount the form proposes}).
"""

from __future__ import annotations

from collections.abc import Callable

_APPROVAL_CHECKS: list[Callable] = []
_PANELS: list[Callable] = []


def register_approval_check(check: Callable) -> None:
    if check not in _APPROVAL_CHECKS:
        _APPROVAL_CHECKS.append(check)


def register_decision_panel(panel: Callable) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def approval_refusal(plan, amounts: dict) -> str | None:
    for check in _APPROVAL_CHECKS:
        reason = check(plan, amounts)
        if reason:
            return reason
    return None


def decision_panels(years, amounts: dict) -> list[str]:
    return [html for panel in _PANELS if (html := panel(list(years), amounts))]
