"""Whether an approval fits the programme's budget of each year it is for (APP-7, 捌-一).

Lives in ``funding`` and reaches the review through ``review.hooks.register_approval_check``:
the review decides, the budget is this app's, and imports point down (funding may read the
plans; the review never imports funding).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from portal.programme import calendar

from . import selectors
from .models import Envelope


def money(value: Decimal) -> str:
    """NT$ thousand with three decimals, grouped: 1,234.500."""
    return f"{value:,.3f}"


def approval_refusal(plan, amounts: dict[int, Decimal], *, lock: bool = True) -> str | None:
    """Refuse an approval that would take a year past its programme budget (APP-7), naming
    the year and the amount over in NT$ thousand. A year without a budget set is not
    limited. Called inside the decision's transaction: the budgets of the years are locked
    (SELECT … FOR UPDATE) so that two approvals at once are counted one after the other;
    the plan's own earlier amounts for these years are replaced, so they are left out."""
    years = sorted(year for year, amount in amounts.items() if amount and amount > 0)
    if not years:
        return None
    envelopes = Envelope.objects.filter(academic_year__in=years).order_by("academic_year")
    if lock:
        envelopes = envelopes.select_for_update()
    envelopes = {e.academic_year: e for e in envelopes}
    if not envelopes:
        return None
    sums = selectors.commitments(list(envelopes), exclude_plan=plan)
    reasons = []
    for year, envelope in envelopes.items():
        committed, provisional = sums[year]
        after = envelope.amount - committed - provisional - Decimal(amounts[year])
        if after < 0:
            reasons.append(
                _(
                    "%(year)s would exceed the programme budget by %(over)s (NT$ thousand): "
                    "budget %(budget)s, already committed %(committed)s, this approval "
                    "%(amount)s"
                )
                % {
                    "year": calendar.format_academic_year(year),
                    "over": money(-after),
                    "budget": money(envelope.amount),
                    "committed": money(committed + provisional),
                    "amount": money(Decimal(amounts[year])),
                }
            )
    if not reasons:
        return None
    return _("%(reasons)s. Raise the programme budget first, or approve less.") % {
        "reasons": "；".join(reasons)
    }
