"""How much of each year's programme budget is committed (APP-7, 捌-一).

Commitments follow the data, never a counter of their own: every approved amount of every
plan (``applications.PlanYear.approved_amount``) counts against the budget of its academic
year, as it stands now — lowered when the assessment reduces it (``year_amount_set``), and
released when support ends (the assessment's outcome sets the year it assessed and every later
year to terminated through ``year_status_set``: the assessed year was spent and still counts,
the later ones are released). An amount is *provisional*
while it is for a later year of the plan than the one decided (years 2 and 3) and that year
has not started; otherwise it is *committed*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from applications.enums import YearStatus
from applications.models import PlanYear
from portal.programme import calendar

from .models import Envelope

ZERO = Decimal("0.000")


def counted(years, *, exclude_plan=None) -> Q:
    """The plan years whose approved amount counts against the budget of ``years``: all but
    the terminated years after a plan's first terminated one (support ended before them)."""
    released = Q(status=YearStatus.TERMINATED) & Exists(
        PlanYear.objects.filter(
            plan_id=OuterRef("plan_id"),
            status=YearStatus.TERMINATED,
            academic_year__lt=OuterRef("academic_year"),
        )
    )
    query = Q(approved_amount__isnull=False, academic_year__in=list(years)) & ~released
    if exclude_plan is not None:
        query &= ~Q(plan_id=exclude_plan.pk)
    return query


def _provisional_case(current: int):
    return Case(
        When(
            Q(academic_year__gt=F("plan__application_year")) & Q(academic_year__gt=current),
            then=F("approved_amount"),
        ),
        default=Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=3),
    )


def commitments(years, *, exclude_plan=None) -> dict[int, tuple[Decimal, Decimal]]:
    """{year: (committed, provisional)} in NT$ thousand, in one query."""
    years = list(years)
    if not years:
        return {}
    current = calendar.AcademicYear.current().roc
    rows = (
        PlanYear.objects.filter(counted(years, exclude_plan=exclude_plan))
        .values("academic_year")
        .annotate(
            total=Coalesce(Sum("approved_amount"), Value(ZERO)),
            provisional=Coalesce(Sum(_provisional_case(current)), Value(ZERO)),
        )
        .order_by()
    )
    result = dict.fromkeys(years, (ZERO, ZERO))
    for row in rows:
        provisional = row["provisional"]
        result[row["academic_year"]] = (row["total"] - provisional, provisional)
    return result


@dataclass
class YearPosition:
    """One academic year's budget: the envelope, what is committed, provisional and free."""

    academic_year: int
    envelope: Envelope | None
    committed: Decimal = ZERO
    provisional: Decimal = ZERO

    @property
    def amount(self) -> Decimal | None:
        return self.envelope.amount if self.envelope else None

    @property
    def total(self) -> Decimal:
        return self.committed + self.provisional

    @property
    def free(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope.amount - self.total

    @property
    def over(self) -> bool:
        return self.free is not None and self.free < 0


def positions(years) -> list[YearPosition]:
    """The budget of each year: two queries whatever the number of plans."""
    years = sorted(set(years))
    envelopes = {
        e.academic_year: e
        for e in Envelope.objects.filter(academic_year__in=years).select_related("set_by")
    }
    sums = commitments(years)
    return [
        YearPosition(year, envelopes.get(year), *sums.get(year, (ZERO, ZERO))) for year in years
    ]


def budget_years() -> list[int]:
    """The years the budget page shows: every year with an envelope or a commitment, and at
    least the current and the next academic year."""
    current = calendar.AcademicYear.current().roc
    years = {current, current + 1}
    years.update(Envelope.objects.values_list("academic_year", flat=True))
    years.update(
        PlanYear.objects.filter(approved_amount__isnull=False)
        .order_by()
        .values_list("academic_year", flat=True)
        .distinct()
    )
    return sorted(years)


@dataclass
class RegionRow:
    district: str
    committed: Decimal = ZERO
    provisional: Decimal = ZERO
    plans: int = 0

    @property
    def total(self) -> Decimal:
        return self.committed + self.provisional


@dataclass
class YearBreakdown:
    position: YearPosition
    regions: list[RegionRow] = field(default_factory=list)
    items: list[tuple[str, Decimal | None, Decimal]] = field(default_factory=list)
    programme_items: list[tuple[str, Decimal]] = field(default_factory=list)


def by_region(year: int) -> list[RegionRow]:
    """One year's commitments per admission district (REG-1), in one query."""
    from portal.schools.models import District

    current = calendar.AcademicYear.current().roc
    rows = (
        PlanYear.objects.filter(counted([year]))
        .values("plan__school__district_id")
        .annotate(
            total=Coalesce(Sum("approved_amount"), Value(ZERO)),
            provisional=Coalesce(Sum(_provisional_case(current)), Value(ZERO)),
            plans=Sum(Value(1)),
        )
        .order_by()
    )
    sums = {r["plan__school__district_id"]: r for r in rows}
    result = []
    for district in District.objects.order_by("order"):
        row = sums.get(district.pk)
        if row is None:
            result.append(RegionRow(district.name))
        else:
            result.append(
                RegionRow(
                    district.name,
                    row["total"] - row["provisional"],
                    row["provisional"],
                    row["plans"],
                )
            )
    return result


def approved_budgets(year: int) -> tuple[dict[str, Decimal], list[tuple[str, Decimal]]]:
    """The subsidy in the budgets of approved plans for ``year`` (revised to the approved
    amounts; those still to revise are left out, as on the ministry's home): by 經常門 and
    資本門 (BUD-1, BUD-4: equipment is 資本門) and by the programme's items (柒-一). One query."""
    from applications.enums import ExpenseType, PlanStatus
    from applications.items import ITEMS
    from applications.models import BudgetLine

    doors = {"經常門": ZERO, "資本門": ZERO}
    items: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        BudgetLine.objects.filter(
            plan__status=PlanStatus.APPROVED, plan__budget_revision_due=False, academic_year=year
        )
        .values("expense_type", "sub_plan__item")
        .annotate(s=Sum("subsidy"))
        .order_by()
    )
    for row in rows:
        door = "資本門" if row["expense_type"] == ExpenseType.EQUIPMENT else "經常門"
        doors[door] += row["s"] or ZERO
        items[row["sub_plan__item"]] += row["s"] or ZERO
    return doors, [(str(ITEMS[n]) if n in ITEMS else str(n), items[n]) for n in sorted(items)]


def breakdown(year: int) -> YearBreakdown:
    """One year's budget by item (經常門, 資本門: the envelope's split beside the approved
    plans' budgets; the programme's items) and by region."""
    position = positions([year])[0]
    result = YearBreakdown(position, by_region(year))
    envelope = position.envelope
    doors, result.programme_items = approved_budgets(year)
    result.items = [
        ("經常門", envelope.recurrent if envelope else None, doors["經常門"]),
        ("資本門", envelope.capital if envelope else None, doors["資本門"]),
    ]
    return result


def history(year: int):
    from .models import EnvelopeRevision

    return EnvelopeRevision.objects.filter(academic_year=year).select_related("set_by")
