"""The budget estimate (經費概算表): its lines, rules and totals (BUD-1 … BUD-5, APP-7).

Amounts are thousands of NT$ (仟元) as exact decimals with 3 places, so that a
line's total (quantity × unit price) is exact to the dollar. The page, the
checklist, the Excel export and the PDF all take their totals from
``budget_summary``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot

from .enums import EXPENSE_GROUP, EXPENSE_ORDER, ExpenseGroup, ExpenseType, FiscalHalf
from .items import ITEMS
from .models import BudgetLine, Plan, SubPlan

# Three places, so that an empty total reads 0.000 like every other amount (BUD-1).
ZERO = Decimal("0.000")
THREE_PLACES = Decimal("0.001")

LINE_FIELDS = [
    "sub_plan",
    "academic_year",
    "expense_type",
    "name",
    "unit",
    "quantity",
    "unit_price",
    "total",
    "subsidy",
    "own_funds",
    "fiscal_half",
    "purpose",
]


class EditConflict(Exception):
    """Someone else saved this part since it was loaded; ``current`` is what they saved."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


class RevisionMissing(Exception):
    """A change to a saved line or sub-plan came without the revision it was loaded at.

    Refused rather than saved: without it, the change could silently undo a colleague's save
    (the same check as the sections')."""

    def __init__(self):
        super().__init__(
            _(
                "Not saved: the form did not say which version it changed. Reload the page, "
                "then make the change again."
            )
        )


def overhead_cap() -> Decimal:
    """BUD-4: administrative overhead may be at most this share of 業務費 (a setting)."""
    return Decimal(settings.PORTAL_BUDGET_OVERHEAD_CAP)


def overhead_percent() -> str:
    """The cap as a percentage for people to read: "15", "10", "12.5" (never "1E+1")."""
    return format((overhead_cap() * 100).normalize(), "f")


# --- Totals ---------------------------------------------------------------------


@dataclass
class Money:
    total: Decimal = ZERO
    subsidy: Decimal = ZERO
    own_funds: Decimal = ZERO

    def add(self, line) -> None:
        self.total += line.total
        self.subsidy += line.subsidy
        self.own_funds += line.own_funds

    def as_dict(self) -> dict[str, str]:
        return {
            "total": str(self.total),
            "subsidy": str(self.subsidy),
            "own_funds": str(self.own_funds),
        }


@dataclass
class TypeBlock:
    expense_type: str
    label: str
    lines: list = field(default_factory=list)
    money: Money = field(default_factory=Money)


@dataclass
class GroupBlock:
    group: str
    label: str
    types: list[TypeBlock] = field(default_factory=list)
    money: Money = field(default_factory=Money)


@dataclass
class YearBlock:
    year: int
    groups: list[GroupBlock] = field(default_factory=list)
    money: Money = field(default_factory=Money)
    business: Decimal = ZERO  # 業務費 total, the base of the overhead cap
    overhead: Decimal = ZERO

    @property
    def lines(self):
        return [line for g in self.groups for t in g.types for line in t.lines]


@dataclass
class BudgetSummary:
    years: list[YearBlock]
    by_subplan: list[tuple[SubPlan, dict[int, Money], Money]]
    by_item: list[tuple[int, str, Money]]
    by_fiscal_year: list[tuple[int, Money]]
    grand: Money
    line_count: int

    def year(self, year: int) -> YearBlock | None:
        return next((y for y in self.years if y.year == year), None)

    def as_dict(self) -> dict:
        return {
            "years": {str(y.year): y.money.as_dict() for y in self.years},
            "fiscal_years": {str(fy): m.as_dict() for fy, m in self.by_fiscal_year},
            "items": {str(n): m.as_dict() for n, _name, m in self.by_item},
            "grand": self.grand.as_dict(),
        }


def budget_lines(plan: Plan):
    return list(
        BudgetLine.objects.filter(plan=plan)
        .select_related("sub_plan")
        .order_by(
            "academic_year", "sub_plan__item", "sub_plan__order", "sub_plan_id", "order", "pk"
        )
    )


def budget_summary(plan: Plan, lines=None, subplans=None) -> BudgetSummary:
    """Every subtotal of the estimate: per group and type, sub-plan, item, year and fiscal year."""
    lines = budget_lines(plan) if lines is None else lines
    subplans = list(plan.subplans.order_by("item", "order", "pk")) if subplans is None else subplans
    years = []
    for year in plan.phase.years:
        block = YearBlock(year=year)
        year_lines = [line for line in lines if line.academic_year == year]
        for group in ExpenseGroup:
            group_block = GroupBlock(group=group.value, label=str(group.label))
            for expense_type in EXPENSE_ORDER:
                if EXPENSE_GROUP[expense_type] != group:
                    continue
                type_lines = [line for line in year_lines if line.expense_type == expense_type]
                if not type_lines and expense_type in (
                    ExpenseType.PERSONNEL,
                    ExpenseType.ADMIN_OVERHEAD,
                ):
                    continue
                type_block = TypeBlock(expense_type.value, str(expense_type.label), type_lines)
                for line in type_lines:
                    type_block.money.add(line)
                    group_block.money.add(line)
                    block.money.add(line)
                group_block.types.append(type_block)
            block.groups.append(group_block)
        block.business = sum(
            (line.total for line in year_lines if line.expense_type == ExpenseType.BUSINESS), ZERO
        )
        block.overhead = sum(
            (line.total for line in year_lines if line.expense_type == ExpenseType.ADMIN_OVERHEAD),
            ZERO,
        )
        years.append(block)

    per_subplan: dict[int, dict[int, Money]] = defaultdict(lambda: defaultdict(Money))
    per_item: dict[int, Money] = defaultdict(Money)
    per_fiscal: dict[int, Money] = defaultdict(Money)
    grand = Money()
    for line in lines:
        per_subplan[line.sub_plan_id][line.academic_year].add(line)
        per_item[line.sub_plan.item].add(line)
        per_fiscal[line.fiscal_year].add(line)
        grand.add(line)
    by_subplan = []
    for sub in subplans:
        per_year = per_subplan.get(sub.pk, {})
        total = Money()
        for money in per_year.values():
            total.total += money.total
            total.subsidy += money.subsidy
            total.own_funds += money.own_funds
        by_subplan.append((sub, dict(per_year), total))
    by_item = [(n, ITEMS[n].name, per_item[n]) for n in sorted(per_item)]
    fiscal_years = sorted({y for year in plan.phase.years for y in (year, year + 1)})
    by_fiscal = [(fy, per_fiscal.get(fy, Money())) for fy in fiscal_years]
    return BudgetSummary(years, by_subplan, by_item, by_fiscal, grand, len(lines))


def budget_problems(plan: Plan, summary: BudgetSummary | None = None) -> list[str]:
    """What keeps the estimate from being consistent (BUD-1 … BUD-5, APP-2, APP-7)."""
    summary = summary or budget_summary(plan)
    problems = []
    approved_amounts = dict(plan.years.values_list("academic_year", "approved_amount"))
    for year in plan.plan_years:
        block = summary.year(year)
        if block is None or not block.lines:
            problems.append(
                _("The budget has no line for academic year %(year)s.") % {"year": year}
            )
            continue
        cap = (block.business * overhead_cap()).quantize(THREE_PLACES)
        if block.overhead > cap:
            problems.append(
                _(
                    "Academic year %(year)s: administrative overhead %(overhead)s is more than "
                    "%(percent)s%% of 業務費 (%(cap)s)."
                )
                % {
                    "year": year,
                    "overhead": block.overhead,
                    "percent": overhead_percent(),
                    "cap": cap,
                }
            )
        approved = approved_amounts.get(year)
        if approved is not None and block.money.subsidy > approved:
            problems.append(
                _(
                    "Academic year %(year)s: the subsidy requested (%(subsidy)s) is more than the "
                    "approved amount (%(approved)s)."
                )
                % {"year": year, "subsidy": block.money.subsidy, "approved": approved}
            )
    return problems


# --- Writing lines ---------------------------------------------------------------


def _decimal(value, label) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError) as exc:
        raise ValidationError({label: _("Enter a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({label: _("Enter a number.")})
    return number


def clean_line_values(plan: Plan, values: dict) -> dict:
    """Check one line's values against BUD-1, BUD-2, BUD-4 and compute its total.

    ``values`` has sub_plan (a SubPlan of the plan), academic_year, expense_type,
    name, unit, quantity, unit_price, subsidy, fiscal_half, purpose. Own funds
    are what the subsidy leaves of the total.
    """
    errors: dict[str, list[str]] = defaultdict(list)
    sub_plan = values.get("sub_plan")
    if sub_plan is None or sub_plan.plan_id != plan.pk:
        errors["sub_plan"].append(_("Choose one of this plan's sub-plans."))
    year = values.get("academic_year")
    if year not in plan.phase.years:
        errors["academic_year"].append(_("Choose a year of the phase."))
    expense_type = values.get("expense_type")
    if expense_type not in ExpenseType.values:
        errors["expense_type"].append(_("Choose an expense type."))
    if values.get("fiscal_half") not in FiscalHalf.values:
        errors["fiscal_half"].append(_("Choose when the money is spent."))
    for name in ("name", "unit"):
        if not str(values.get(name) or "").strip():
            errors[name].append(_("This field is required."))
    quantity = values.get("quantity")
    unit_price = values.get("unit_price")
    subsidy = values.get("subsidy")
    for name, number in (("quantity", quantity), ("unit_price", unit_price), ("subsidy", subsidy)):
        if number is None:
            errors[name].append(_("This field is required."))
        elif number < 0:
            errors[name].append(_("Amounts cannot be negative."))
    if quantity is not None and quantity != quantity.quantize(Decimal("0.01")):
        errors["quantity"].append(_("At most 2 decimals."))
    for name, number in (("unit_price", unit_price), ("subsidy", subsidy)):
        if number is not None and number != number.quantize(THREE_PLACES):
            errors[name].append(_("At most 3 decimals (whole NT dollars)."))
    total = None
    if (
        not errors.get("quantity")
        and not errors.get("unit_price")
        and None not in (quantity, unit_price)
    ):
        total = quantity * unit_price
        if total != total.quantize(THREE_PLACES):
            errors["unit_price"].append(
                _("Quantity × unit price must come to whole NT dollars (3 decimals in 仟元).")
            )
        elif subsidy is not None and subsidy > total:
            errors["subsidy"].append(_("The subsidy cannot be more than the total."))
    # BUD-4: personnel costs are not subsidised.
    if expense_type == ExpenseType.PERSONNEL and subsidy:
        errors["subsidy"].append(_("Personnel costs cannot be paid from the subsidy."))
    if errors:
        raise ValidationError(dict(errors))
    total = total.quantize(THREE_PLACES)
    subsidy = subsidy.quantize(THREE_PLACES)
    return {
        "sub_plan": sub_plan,
        "academic_year": year,
        "expense_type": expense_type,
        "name": str(values["name"]).strip()[:100],
        "unit": str(values["unit"]).strip()[:20],
        "quantity": quantity,
        "unit_price": unit_price.quantize(THREE_PLACES),
        "total": total,
        "subsidy": subsidy,
        "own_funds": total - subsidy,
        "fiscal_half": values["fiscal_half"],
        "purpose": str(values.get("purpose") or "").strip()[:300],
    }


def _require_editable(plan: Plan) -> None:
    from .services import require_budget_editable

    require_budget_editable(plan)


def budget_line_save(
    *, plan: Plan, line: BudgetLine | None, values: dict, revision: int | None, by
):
    """Add a line, or change one if nobody else changed it since it was loaded (``revision``,
    required for a change: ``RevisionMissing`` without it)."""
    cleaned = clean_line_values(plan, values)
    with transaction.atomic():
        _require_editable(plan)
        if line is None:
            last = BudgetLine.objects.filter(plan=plan).order_by("-order").first()
            line = BudgetLine(
                plan=plan, order=(last.order + 1) if last else 1, updated_by=by, **cleaned
            )
            line.save()
            audit_record(
                actor=by,
                action="budget.line.add",
                target=plan,
                school=plan.school,
                after=snapshot(line, LINE_FIELDS),
            )
            return line
        current = BudgetLine.objects.select_for_update().filter(pk=line.pk, plan=plan).first()
        if current is None:
            raise EditConflict(None)
        if revision is None:
            raise RevisionMissing
        if current.revision != revision:
            raise EditConflict(current)
        before = snapshot(current, LINE_FIELDS)
        for key, value in cleaned.items():
            setattr(current, key, value)
        current.revision = F("revision") + 1
        current.updated_by = by
        current.save()
        current.refresh_from_db()
        after = snapshot(current, LINE_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="budget.line.change",
                target=plan,
                school=plan.school,
                before=before,
                after=after,
            )
        return current


def budget_line_delete(*, plan: Plan, line: BudgetLine, revision: int | None, by) -> None:
    with transaction.atomic():
        _require_editable(plan)
        current = BudgetLine.objects.select_for_update().filter(pk=line.pk, plan=plan).first()
        if current is None:
            return
        if revision is None:
            raise RevisionMissing
        if current.revision != revision:
            raise EditConflict(current)
        before = snapshot(current, LINE_FIELDS)
        current.delete()
        audit_record(
            actor=by, action="budget.line.remove", target=plan, school=plan.school, before=before
        )


def budget_fingerprint(plan: Plan) -> str:
    """What the budget is now: its lines and their revisions. An exported workbook carries
    it, so that importing the workbook back cannot undo what someone changed meanwhile."""
    lines = BudgetLine.objects.filter(plan=plan).order_by("pk").values_list("pk", "revision")
    return hashlib.sha256(repr(list(lines)).encode()).hexdigest()[:32]


def budget_replace(*, plan: Plan, rows: list[dict], by, fingerprint: str | None = None) -> int:
    """Replace every line with imported rows, already cleaned: all or nothing.

    ``fingerprint`` is the one the workbook was exported with: when the budget has changed
    since, the import is refused rather than silently undoing someone's edits."""
    with transaction.atomic():
        _require_editable(plan)
        if fingerprint is not None and fingerprint != budget_fingerprint(plan):
            from .services import PlanError

            raise PlanError(
                _(
                    "The budget has changed since this workbook was exported (someone saved "
                    "lines in the meantime). Nothing was imported: export the budget again and "
                    "make your changes in the new workbook."
                )
            )
        before = [snapshot(line, LINE_FIELDS) for line in plan.budget_lines.all()]
        plan.budget_lines.all().delete()
        now = timezone.now()
        BudgetLine.objects.bulk_create(
            BudgetLine(plan=plan, order=i, updated_by=by, **row) for i, row in enumerate(rows, 1)
        )
        audit_record(
            actor=by,
            action="budget.import",
            target=plan,
            school=plan.school,
            before={"lines": before},
            after={"lines": len(rows), "at": now.isoformat()},
        )
    return len(rows)
