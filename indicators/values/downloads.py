"""The numbers of a table or chart as a download: Excel (.xlsx) or CSV.

Every chart has a table with the same numbers beside it; this is the download of that table.
Text that a spreadsheet would run as a formula is written as text (see portal.spreadsheets).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse

from portal.spreadsheets import workbook_bytes, xlsx_response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    # A text cell that starts like a formula is prefixed, so a spreadsheet shows it as text.
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
    # With a byte order mark, Excel in Taiwan opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers, rows, *, title="data") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [c if isinstance(c, (int, float, Decimal)) or c is None else str(c) for c in row]
        )
    return workbook_bytes(workbook)


def table_response(*, headers, rows, filename: str, fmt: str = "xlsx") -> HttpResponse:
    """``fmt`` is "csv" or "xlsx"; ``filename`` has no extension."""
    rows = list(rows)
    if fmt == "csv":
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.csv"
        response["Cache-Control"] = "private, no-store"
        return response
    return xlsx_response(xlsx_bytes(headers, rows, title=filename), f"{filename}.xlsx")
