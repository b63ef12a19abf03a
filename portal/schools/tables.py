"""Reading uploaded tables (CSV or Excel) into rows keyed by their header."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _


class TableError(Exception):
    """The file cannot be read as a table; the message is for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, str]]  # each row also has "_row": its line number in the file


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _decode(raw: bytes) -> str:
    # Files saved by Excel in Taiwan are often Big5 (cp950); UTF-8 with or without BOM otherwise.
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file is neither UTF-8 nor Big5 text."))


def read_table(upload, *, max_bytes: int) -> Table:
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > max_bytes:
        raise TableError(
            _("The file is too large (at most %(size)s MB).") % {"size": max_bytes // (1024 * 1024)}
        )
    raw = upload.read()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(raw)
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(_decode(raw))))
    else:
        raise TableError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    rows = [[_clean(c) for c in row] for row in rows]
    # Skip leading empty lines; the first non-empty line is the header.
    start = next((i for i, row in enumerate(rows) if any(row)), None)
    if start is None:
        raise TableError(_("The file is empty."))
    headers = list(rows[start])
    body = []
    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(row):
            continue
        record = {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h}
        record["_row"] = offset
        body.append(record)
    return Table(headers=[h for h in headers if h], rows=body)


def _read_xlsx(raw: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        raise TableError(_("The file is not a readable Excel workbook.")) from exc
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def require_headers(table: Table, required: list[str]) -> None:
    missing = [h for h in required if h not in table.headers]
    if missing:
        raise TableError(
            _("These columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
