"""Reading an uploaded table (Excel or CSV) a row at a time, within a row and a size cap.

Excel workbooks are opened read-only (openpyxl streams the sheet's XML instead of building
it in memory). Before that, the rows are counted in the sheet's compressed XML, stopping past
the cap, and reading stops at the first row past the cap, so that a workbook of a hundred
thousand rows is refused in well under a second, whether or not it declares its size.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: The progress is written every this many rows (one UPDATE each).
PROGRESS_EVERY = 200


class TableError(Exception):
    """The file cannot be read as a table of this import; the message is for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, str]]  # each row also has "_row": its line number in the file
    marker: dict = field(default_factory=dict)  # the hidden "portal" sheet of an export


def clean_cell(value) -> str:
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


def check_size(size: int, max_bytes: int) -> None:
    """Refuse a file above ``max_bytes`` before anything reads it."""
    if size > max_bytes:
        raise TableError(
            _("The file is %(size)s: an import takes files of at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)}
        )


def check_name(name: str) -> None:
    if not name.lower().endswith((".xlsx", ".csv")):
        raise TableError(_("Upload a CSV file or an Excel workbook (.xlsx)."))


def _too_many(max_rows: int) -> TableError:
    return TableError(
        _(
            "The file has more than %(max)s rows: an import takes at most %(max)s rows. "
            "Split it into smaller files, or remove the rows that are not data."
        )
        % {"max": max_rows}
    )


#: A sheet's XML above this size is refused before it is parsed (a few thousand rows of a
#: dozen columns take a few megabytes; a "zip bomb" would take gigabytes).
MAX_SHEET_XML_BYTES = 64 * 1024 * 1024
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")


def _count_rows(file, limit: int) -> int:
    """How many rows the workbook's largest sheet holds, counted in its XML and stopping past
    ``limit``. openpyxl would otherwise, for a sheet that does not declare its size, read the
    whole sheet just to open the workbook."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TableError(_("The file is not a readable Excel workbook.")) from exc
    largest = 0
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        if info.file_size > MAX_SHEET_XML_BYTES:
            return limit + 1
        count, tail = 0, b""
        with archive.open(info) as sheet:
            while count <= limit and (chunk := sheet.read(256 * 1024)):
                window = tail + chunk
                count += sum(window.count(tag) for tag in _ROW_TAGS)
                # A tag split across two chunks is counted once: keep the partial end.
                tail = window[-5:]
                count -= sum(tail.count(tag) for tag in _ROW_TAGS)
        count += sum(tail.count(tag) for tag in _ROW_TAGS)
        largest = max(largest, count)
    file.seek(0)
    return largest


def _xlsx_rows(file, max_rows: int, declared: Callable[[int], None]) -> tuple[Iterator, dict]:
    from openpyxl import load_workbook

    # A little slack is left for the empty, formatted rows that Excel keeps too; reading
    # stops at the cap anyway.
    limit = 2 * (max_rows + 1)
    if _count_rows(file, limit) > limit:
        raise _too_many(max_rows)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:
        raise TableError(_("The file is not a readable Excel workbook.")) from exc
    # The size the sheet declares, for the progress bar.
    declared(max(min(sheet.max_row or 0, max_rows + 1) - 1, 0))
    marker = {}
    if "portal" in workbook.sheetnames:
        for row in workbook["portal"].iter_rows(max_row=20, values_only=True):
            if row and row[0] not in (None, ""):
                marker[str(row[0])] = row[1] if len(row) > 1 else None

    def rows():
        try:
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return rows(), marker


def read_table(
    file,
    *,
    name: str,
    max_rows: int,
    on_progress: Callable[[int], None] = lambda n: None,
    on_declared: Callable[[int], None] = lambda n: None,
) -> Table:
    """The rows of the first sheet (or of the CSV file), keyed by the header: the first
    non-empty row. Empty rows are skipped. Refuses a file with more than ``max_rows`` rows
    as soon as it is seen, before reading the rest."""
    check_name(name)
    if name.lower().endswith(".xlsx"):
        raw_rows, marker = _xlsx_rows(file, max_rows, on_declared)
    else:
        text = _decode(file.read())
        on_declared(max(text.count("\n") - 1, 0))
        raw_rows, marker = csv.reader(io.StringIO(text)), {}
    headers: list[str] | None = None
    body: list[dict] = []
    # Rows past this line are not read, even empty ones (a sheet formatted to its end).
    last_line = 2 * (max_rows + 1)
    for line, raw in enumerate(raw_rows, start=1):
        if line > last_line:
            raise _too_many(max_rows)
        row = [clean_cell(c) for c in raw]
        if not any(row):
            continue
        if headers is None:
            headers = row
            continue
        if len(body) == max_rows:
            raise _too_many(max_rows)
        record = {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h}
        record["_row"] = line
        body.append(record)
        if len(body) % PROGRESS_EVERY == 0:
            on_progress(len(body))
    if headers is None:
        raise TableError(_("The file is empty."))
    on_progress(len(body))
    return Table(headers=[h for h in headers if h], rows=body, marker=marker)


def require_headers(table: Table, required: list[str]) -> None:
    missing = [h for h in required if h not in table.headers]
    if missing:
        raise TableError(
            _("These columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
