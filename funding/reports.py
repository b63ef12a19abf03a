"""The programme budget as a spreadsheet, from the same rows as the page (APP-7)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.programme import calendar
from portal.spreadsheets import workbook_bytes


def _num(value):
    return None if value is None else float(value)


def budget_workbook(positions, regions) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("By year")
    sheet.append(
        [
            _("Academic year"),
            _("Programme budget (NT$ thousand)"),
            "經常門",
            "資本門",
            _("Committed"),
            _("Provisional"),
            _("Free"),
            _("Source document"),
        ]
    )
    for p in positions:
        e = p.envelope
        sheet.append(
            [
                calendar.format_academic_year(p.academic_year),
                _num(p.amount),
                _num(e.recurrent) if e else None,
                _num(e.capital) if e else None,
                _num(p.committed),
                _num(p.provisional),
                _num(p.free),
                e.source_reference if e else "",
            ]
        )
    by_region = workbook.create_sheet(_("By region"))
    by_region.append(
        [
            _("Academic year"),
            _("Admission district"),
            _("Committed"),
            _("Provisional"),
            _("Number of plans"),
        ]
    )
    for p in positions:
        for row in regions[p.academic_year]:
            by_region.append(
                [
                    calendar.format_academic_year(p.academic_year),
                    row.district,
                    _num(row.committed),
                    _num(row.provisional),
                    row.plans,
                ]
            )
    for ws in (sheet, by_region):
        for column in "ABCDEFGH":
            ws.column_dimensions[column].width = 18
    return workbook_bytes(workbook)
