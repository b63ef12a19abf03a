"""The budget workbook as an import job: read in the background, every row checked like a line
typed on the page, applied (all lines replaced) once the school confirms."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.imports.reading import TableError, require_headers
from portal.imports.registry import ImportKind, register
from portal.imports.services import ImportRefused

from . import budget
from .enums import ExpenseType, FiscalHalf

KIND = "budget"
#: A school's three-year budget has a few hundred lines; more is not a budget of this portal.
MAX_ROWS = 3000
REQUIRED = [
    "學年度",
    "子計畫",
    "經費類別",
    "項目名稱",
    "單位",
    "數量",
    "單價(仟元)",
    "補助款(仟元)",
]
TYPE_NAMES = {
    ExpenseType.BUSINESS: "業務費",
    ExpenseType.ADMIN_OVERHEAD: "行政管理費",
    ExpenseType.PERSONNEL: "人事費",
    ExpenseType.MISC: "雜支",
    ExpenseType.EQUIPMENT: "設備費",
}
NUMBERS = ("quantity", "unit_price", "subsidy")


def _values(record: dict, subplans: dict, types: dict) -> tuple[dict, list[str]]:
    """A row's values as the line form would have them, and what is wrong with them."""
    try:
        year = int(record.get("學年度", ""))
    except ValueError:
        year = None
    fiscal = record.get("會計年度", "").strip()
    values = {
        "sub_plan": subplans.get(record.get("子計畫", "").strip()),
        "academic_year": year,
        "expense_type": types.get(record.get("經費類別", "").strip()),
        "name": record.get("項目名稱", ""),
        "unit": record.get("單位", ""),
        "fiscal_half": (
            FiscalHalf.FIRST if year is not None and fiscal == str(year) else FiscalHalf.SECOND
        ),
        "purpose": record.get("說明", ""),
    }
    problems = []
    for key, column in zip(NUMBERS, ("數量", "單價(仟元)", "補助款(仟元)"), strict=True):
        try:
            values[key] = budget._decimal(record.get(column, ""), key)
        except ValidationError:
            problems.append(_("%(column)s is not a number") % {"column": column})
            values[key] = None
    if values["sub_plan"] is None:
        problems.append(_("no sub-plan is called “%(name)s”") % {"name": record.get("子計畫", "")})
    if values["expense_type"] is None:
        problems.append(
            _("“%(name)s” is not an expense type") % {"name": record.get("經費類別", "")}
        )
    if year is not None and fiscal and fiscal not in (str(year), str(year + 1)):
        problems.append(_("the fiscal year must be the academic year or the next"))
    return values, problems


def _check(plan, values: dict) -> tuple[dict | None, list[str]]:
    try:
        return budget.clean_line_values(plan, values), []
    except ValidationError as exc:
        return None, [m for msgs in exc.message_dict.values() for m in msgs]


def read_budget(job, table) -> tuple[list[dict], list[dict]]:
    """Each row checked like a line typed on the page (BUD-1, BUD-2, BUD-4)."""
    plan = job.target
    require_headers(table, REQUIRED)
    if not table.rows:
        raise TableError(_("The workbook has no lines."))
    subplans = {f"{s.item}-{s.title}": s for s in plan.subplans.all()}
    types = {name: code for code, name in TYPE_NAMES.items()}
    rows, errors = [], []
    for record in table.rows:
        values, problems = _values(record, subplans, types)
        cleaned = None
        if not problems:
            cleaned, problems = _check(plan, values)
        if problems:
            label = "・".join(
                v for v in (record.get("子計畫", ""), record.get("項目名稱", "")) if v
            )
            errors.append({"row": record["_row"], "label": label, "messages": problems})
            continue
        rows.append(
            {
                "row": record["_row"],
                **{k: v for k, v in cleaned.items() if k != "sub_plan"},
                "sub_plan": cleaned["sub_plan"].pk,
                "sub_plan_label": f"{cleaned['sub_plan'].item}-{cleaned['sub_plan'].title}",
                **{k: str(cleaned[k]) for k in (*NUMBERS, "total", "own_funds")},
            }
        )
    marker = job.params.get("marker") or {}
    if str(marker.get("plan")) == str(plan.pk) and marker.get("budget-fingerprint"):
        job.params["fingerprint"] = str(marker["budget-fingerprint"])
    return rows, errors


def apply_budget(job, by) -> str:
    """Replace every line with the read rows, checked again now: all or nothing."""
    from .services import PlanError

    plan = job.target
    subplans = {s.pk: s for s in plan.subplans.all()}
    lines = []
    for row in job.rows:
        values = {
            **row,
            "sub_plan": subplans.get(row["sub_plan"]),
            **{k: Decimal(row[k]) for k in NUMBERS},
        }
        cleaned, problems = _check(plan, values)
        if problems:
            raise ImportRefused(
                _("Row %(row)s is no longer valid: %(problems)s. Nothing was imported.")
                % {"row": row["row"], "problems": "；".join(problems)}
            )
        lines.append(cleaned)
    try:
        count = budget.budget_replace(
            plan=plan, rows=lines, by=by, fingerprint=job.params.get("fingerprint")
        )
    except PlanError as exc:
        raise ImportRefused(str(exc)) from exc
    return _("The budget now has the %(n)s imported lines.") % {"n": count}


def register_kind() -> None:
    register(ImportKind(key=KIND, read=read_budget, apply=apply_budget, max_rows=MAX_ROWS))
