"""The ministry's view of the applications: what waits for it, and the money requested and
approved per academic year and per item (selectors; a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum, Window
from django.utils.translation import gettext as _

from portal.programme import calendar

from .enums import PlanStatus
from .items import ITEMS
from .models import BudgetLine, Plan, PlanEvent, PlanYear

#: Plans whose request reached the ministry (a returned or withdrawn plan is not a request).
REQUESTED = (
    PlanStatus.SUBMITTED,
    PlanStatus.UNDER_REVIEW,
    PlanStatus.APPROVED,
    PlanStatus.REJECTED,
)
ZERO = Decimal("0.000")
RECENT_REVISIONS = dt.timedelta(days=30)


@dataclass(frozen=True)
class MoneyRow:
    key: int
    label: str
    requested: Decimal
    approved: Decimal

    @property
    def difference(self) -> Decimal:
        return self.approved - self.requested


def _sums(queryset, key: str, field: str) -> dict[int, Decimal]:
    return {row[key]: row["s"] or ZERO for row in queryset.values(key).annotate(s=Sum(field))}


def _requested() -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Subsidy requested in the plans' budgets per academic year and per item, from one
    pass over the budget lines (grouped by both, then added up each way)."""
    by_year: dict[int, Decimal] = {}
    by_item: dict[int, Decimal] = {}
    rows = (
        BudgetLine.objects.filter(plan__status__in=REQUESTED)
        .values("academic_year", "sub_plan__item")
        .annotate(s=Sum("subsidy"))
    )
    for row in rows:
        amount = row["s"] or ZERO
        year, item = row["academic_year"], row["sub_plan__item"]
        by_year[year] = by_year.get(year, ZERO) + amount
        by_item[item] = by_item.get(item, ZERO) + amount
    return by_year, by_item


def _by_year(requested: dict[int, Decimal]) -> list[MoneyRow]:
    approved = _sums(
        PlanYear.objects.filter(plan__status=PlanStatus.APPROVED, approved_amount__isnull=False),
        "academic_year",
        "approved_amount",
    )
    in_full = PlanYear.objects.filter(
        plan=OuterRef("plan"), academic_year=OuterRef("academic_year"), approved_amount=None
    )
    for year, amount in _sums(
        BudgetLine.objects.filter(plan__status=PlanStatus.APPROVED).filter(Exists(in_full)),
        "academic_year",
        "subsidy",
    ).items():
        approved[year] = approved.get(year, ZERO) + amount
    return [
        MoneyRow(
            year,
            calendar.format_academic_year(year),
            requested.get(year, ZERO),
            approved.get(year, ZERO),
        )
        for year in sorted(set(requested) | set(approved))
    ]


def _by_item(requested: dict[int, Decimal]) -> list[MoneyRow]:
    approved = _sums(
        BudgetLine.objects.filter(
            plan__status=PlanStatus.APPROVED, plan__budget_revision_due=False
        ),
        "sub_plan__item",
        "subsidy",
    )
    return [
        MoneyRow(
            number,
            str(ITEMS[number]) if number in ITEMS else str(number),
            requested.get(number, ZERO),
            approved.get(number, ZERO),
        )
        for number in sorted(set(requested) | set(approved))
    ]


def money_by_year() -> list[MoneyRow]:
    """Subsidy requested in the plans' budgets, and approved, per academic year (NT$ thousand).

    A year approved without an amount is approved as requested."""
    return _by_year(_requested()[0])


def money_by_item() -> list[MoneyRow]:
    """Subsidy per item (柒-一): requested in the plans' budgets, and in the budgets of
    approved plans (revised to the approved amounts; those still to revise are left out)."""
    return _by_item(_requested()[1])


def money_tables() -> tuple[list[MoneyRow], list[MoneyRow]]:
    """``money_by_year()`` and ``money_by_item()`` together, reading the requested
    subsidy once."""
    by_year, by_item = _requested()
    return _by_year(by_year), _by_item(by_item)


def totals(rows: list[MoneyRow]) -> MoneyRow:
    return MoneyRow(
        0,
        _("Total"),
        sum((r.requested for r in rows), ZERO),
        sum((r.approved for r in rows), ZERO),
    )


def money_chart(rows: list[MoneyRow]) -> dict:
    """A grouped bar chart of the table's numbers (static/js/charts.js draws it)."""
    return {
        "type": "bar",
        "labels": [row.label for row in rows],
        "datasets": [
            {"label": _("Subsidy requested"), "data": [float(r.requested) for r in rows]},
            {"label": _("Subsidy approved"), "data": [float(r.approved) for r in rows]},
        ],
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }


#: How many of each kind of waiting thing the ministry home names; the rest it counts.
SHOWN = 8


@dataclass(frozen=True)
class FirstOf:
    """The first ``SHOWN`` rows of a list, and how many there are in all."""

    rows: list
    total: int


def first_of(queryset) -> FirstOf:
    """The first rows and the count in one query (a window count over the whole list)."""
    rows = list(queryset.annotate(in_all=Window(Count("pk")))[:SHOWN])
    return FirstOf(rows, rows[0].in_all if rows else 0)


@dataclass(frozen=True)
class Waiting:
    """What waits for the ministry in the applications."""

    awaiting_decision: FirstOf
    awaiting_review: int
    revisions: FirstOf
    overdue: FirstOf


def ministry_waiting() -> Waiting:
    today = calendar.taipei_today()
    plans = Plan.objects.select_related("school", "phase").order_by("school__code")
    return Waiting(
        awaiting_decision=first_of(plans.filter(status=PlanStatus.UNDER_REVIEW)),
        awaiting_review=Plan.objects.filter(status=PlanStatus.SUBMITTED).count(),
        revisions=first_of(
            PlanEvent.objects.filter(
                from_status=PlanStatus.APPROVED,
                to_status=PlanStatus.APPROVED,
                at__gte=calendar.start_of_day(today) - RECENT_REVISIONS,
            )
            .select_related("plan__school", "plan__phase", "actor")
            .order_by("-at")
        ),
        overdue=first_of(
            plans.filter(status=PlanStatus.RETURNED, revision_due__lt=today).order_by(
                "revision_due", "school__code"
            )
        ),
    )
