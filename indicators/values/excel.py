"""The year's values in Excel: a prefilled template, reading it back, and the school's export.

The template has one row per indicator the school set targets for, with its items, unit,
direction, baseline and target shown, and the cells to fill marked (yellow, unlocked). A hidden
sheet remembers the school, the year and what the values were when it was made, so that an
upload over a colleague's later edits is refused rather than silently undoing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.imports.reading import Table, require_headers
from portal.spreadsheets import workbook_bytes

from .cleaning import clean_value, parse_number

SHEET = "指標填報"
KEY = "指標代碼"
COLUMNS = [
    KEY,
    "指標名稱",
    "所屬項目",
    "類別",
    "單位",
    "方向",
    "基準值",
    "本年度目標值",
    "分子",
    "分母",
    "數值",
    "說明",
]
FILL_COLUMNS = ("分子", "分母", "數值", "說明")
REQUIRED = [KEY, "分子", "分母", "數值", "說明"]
#: A template has at most a few hundred rows; more is not a template of this portal.
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
#: The import kind (``portal.imports``) of an uploaded template.
KIND = "indicator_values"


def _plain(number):
    return None if number is None else number


def template_bytes(*, school, year, rows, fingerprint: str) -> bytes:
    """The prefilled workbook of ``school``'s values for academic ``year``."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    fill = PatternFill("solid", start_color="FFF4C2", end_color="FFF4C2")
    shown = PatternFill("solid", start_color="EEEEEE", end_color="EEEEEE")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(
            [
                row.key,
                row.name,
                row.items_label,
                row.kind_label,
                row.unit,
                row.direction_label,
                _plain(row.baseline),
                _plain(row.target),
                _plain(row.numerator) if row.is_ratio else None,
                _plain(row.denominator) if row.is_ratio else None,
                None if row.is_ratio else _plain(row.value),
                row.note or "",
            ]
        )
        line = sheet.max_row
        for column, name in enumerate(COLUMNS, 1):
            cell = sheet.cell(row=line, column=column)
            to_fill = name == "說明" or (
                name in ("分子", "分母") if row.is_ratio else name == "數值"
            )
            if to_fill:
                cell.fill = fill
                cell.protection = Protection(locked=False)
            elif name in ("分子", "分母", "數值"):
                cell.fill = shown
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.####"
        if row.is_ratio:
            sheet.cell(row=line, column=COLUMNS.index("數值") + 1).comment = Comment(
                "比率由分子、分母計算，不必填寫。", "portal"
            )
    widths = [12, 40, 12, 14, 8, 10, 10, 12, 10, 10, 10, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "C2"
    # Protection without a password only keeps the shown cells from being typed over by
    # mistake; the yellow cells are unlocked.
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False

    guide = workbook.create_sheet("填寫說明")
    for text in (
        f"{school.name}（{school.code}）{year}學年度績效指標實際值",
        "請只填寫黃色儲存格：比率類指標填分子與分母（數值由系統計算），其他指標填數值；說明可填可不填。",
        "留白的儲存格不會改變系統中已有的數值。",
        "上傳後會先列出將變更的內容與有問題的列，確認後才會儲存。",
        "不可填負數；比率的分母不可為 0；占全體比例之比率，分子不可大於分母（不可超過 100%）。",
    ):
        guide.append([text])
    guide.column_dimensions["A"].width = 110

    marker = workbook.create_sheet("portal")
    marker.append(["school", school.code])
    marker.append(["year", year])
    marker.append(["fingerprint", fingerprint])
    marker.sheet_state = "hidden"
    return workbook_bytes(workbook)


@dataclass
class ParsedRow:
    number: int  # the row in the workbook
    key: str
    name: str
    typed: dict  # what the row holds, as text: numerator, denominator, value, note
    cleaned: object = None  # a CleanValue when the row is valid
    errors: list = field(default_factory=list)
    before: object = None  # the ValueRow it changes
    changed: bool = False


@dataclass
class ParsedUpload:
    rows: list[ParsedRow]
    marker: dict

    @property
    def errors(self):
        return [r for r in self.rows if r.errors]

    @property
    def changes(self):
        return [r for r in self.rows if r.changed and not r.errors]


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def parse_table(table: Table, rows) -> ParsedUpload:
    """Check the rows read from an uploaded template against ``rows`` (the year's ValueRows,
    by key). Every row is checked like a value typed on the page; a blank row changes nothing.
    Raises ``TableError`` when the file is not a table of this template at all."""
    by_key = {row.key: row for row in rows}
    marker = table.marker
    require_headers(table, REQUIRED)
    parsed = []
    seen = set()
    for record in table.rows:
        key = record.get(KEY, "").strip()
        typed = {
            "numerator": record.get("分子", ""),
            "denominator": record.get("分母", ""),
            "value": record.get("數值", ""),
            "note": record.get("說明", ""),
        }
        row = by_key.get(key)
        item = ParsedRow(
            number=record["_row"],
            key=key,
            name=row.name if row else record.get("指標名稱", ""),
            typed=typed,
            before=row,
        )
        parsed.append(item)
        if row is None:
            item.errors.append(
                _("“%(key)s” is not an indicator of this year's report.") % {"key": key}
                if key
                else _("The indicator code is missing.")
            )
            continue
        if key in seen:
            item.errors.append(_("This indicator appears in more than one row."))
            continue
        seen.add(key)
        if (
            row.is_ratio
            and typed["value"].strip()
            and not (typed["numerator"].strip() or typed["denominator"].strip())
        ):
            try:
                same = _same(parse_number(typed["value"]), row.value)
            except ValueError:
                same = False
            if not same:
                item.errors.append(
                    _("Give the numerator and the denominator; the rate is computed from them.")
                )
                continue
        blank = not any(
            typed[k].strip() for k in (("numerator", "denominator") if row.is_ratio else ("value",))
        )
        if blank and not typed["note"].strip():
            continue  # nothing typed: nothing changes
        try:
            if blank:
                # Only a note: it goes with the value already stored.
                cleaned = clean_value(
                    row.indicator,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    value=row.value,
                    note=typed["note"],
                )
            else:
                cleaned = clean_value(
                    row.indicator,
                    numerator=typed["numerator"] if row.is_ratio else None,
                    denominator=typed["denominator"] if row.is_ratio else None,
                    value=None if row.is_ratio else typed["value"],
                    note=typed["note"],
                )
        except ValidationError as exc:
            labels = {"numerator": "分子", "denominator": "分母", "value": "數值"}
            for name, messages in exc.message_dict.items():
                for message in messages:
                    item.errors.append(f"{labels.get(name, name)}：{message}")
            continue
        item.cleaned = cleaned
        item.changed = not (
            _same(cleaned.numerator, row.numerator)
            and _same(cleaned.denominator, row.denominator)
            and _same(cleaned.value, row.value)
            and cleaned.note == (row.note or "")
        )
    return ParsedUpload(rows=parsed, marker=marker)


def school_values_bytes(*, school, years, rows_by_year) -> bytes:
    """A school's values over all years, one row per indicator and year."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "歷年實際值"
    header = [
        "學年度",
        "指標名稱",
        "所屬項目",
        "單位",
        "方向",
        "基準值",
        "目標值",
        "分子",
        "分母",
        "實際值",
        "達成情形",
        "填報狀態",
        "說明",
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for year in years:
        for row in rows_by_year.get(year, []):
            sheet.append(
                [
                    year,
                    row.name,
                    row.items_label,
                    row.unit,
                    row.direction_label,
                    row.baseline,
                    row.target,
                    row.numerator,
                    row.denominator,
                    row.value,
                    row.attainment_label,
                    row.status_label,
                    row.note or "",
                ]
            )
    sheet.freeze_panes = "C2"
    return workbook_bytes(workbook)
