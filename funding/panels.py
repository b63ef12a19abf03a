"""The programme budget beside a decision (APP-7), for ``review.hooks.register_decision_panel``."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from . import selectors


def decision_panel(years, amounts) -> str:
    """Per year of the plan: the budget, what is committed, and what approving ``amounts``
    would leave (negative: over the budget, and the approval would be refused)."""
    if not years:
        return ""
    rows = []
    for position in selectors.positions(years):
        amount = Decimal(amounts.get(position.academic_year) or 0)
        left = None if position.free is None else position.free - amount
        rows.append({"position": position, "amount": amount, "left": left})
    return render_to_string("funding/_decision_panel.html", {"rows": rows})
