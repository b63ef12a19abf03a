"""What the indicator views share: putting a service's refusal on a form."""

from __future__ import annotations

from portal.actions import refused, run_action

from ..services import IndicatorError


def run(form, action) -> bool:
    """Call ``action()`` (``portal.actions.run_action``); put a ``ValidationError`` or
    ``IndicatorError`` it raises on the form (on its fields where it names them) and say
    whether it succeeded."""
    return not refused(run_action(None, action, refusals=(IndicatorError,), form=form))
