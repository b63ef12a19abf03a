"""Consulting's documents: the consulting report (諮詢報告) as a PDF, rendered by the document
pipeline's Celery task, and the boards' Excel workbooks, built from the boards' own rows."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.items import ITEMS
from portal.documents.registry import DocumentKind, register
from portal.programme import calendar
from portal.spreadsheets import workbook_bytes

from .models import Advice, AdviceAnswer, Consultation


def consulting_report_context(consultation: Consultation) -> dict:
    consultation = (
        Consultation.objects.select_related("school__district", "advisor", "request")
        .prefetch_related(
            Prefetch("advice", queryset=Advice.objects.order_by("order", "pk")),
            "subplans",
            Prefetch(
                "carried_advice",
                queryset=Advice.objects.select_related("consultation").prefetch_related(
                    Prefetch("answers", queryset=AdviceAnswer.objects.order_by("at", "pk"))
                ),
            ),
        )
        .get(pk=consultation.pk)
    )
    return {
        "consultation": consultation,
        "school": consultation.school,
        "items": [ITEMS[i] for i in consultation.item_numbers],
        "semester_label": semester_label(
            calendar.Semester(consultation.academic_year, consultation.semester)
        ),
        "generated_at": timezone.now(),
    }


def semester_label(semester: calendar.Semester) -> str:
    return _("%(year)s, semester %(number)s") % {
        "year": calendar.format_academic_year(semester.academic_year),
        "number": semester.number,
    }


CONSULTING_REPORT = register(
    DocumentKind(
        key="consulting_report",
        label=gettext_lazy("Consulting report (諮詢報告)"),
        model="consulting.Consultation",
        template="pdf/consulting_report.html",
        view_permission="consulting.view_report",
        request_permission="consulting.view_report",
        context=consulting_report_context,
        file_name=lambda c: f"{c.school.code}-諮詢報告-{c.date:%Y%m%d}-{c.pk}.pdf",
    )
)


def _sheet(workbook, title, header, rows):
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column in "ABCDEFGHIJKL":
        sheet.column_dimensions[column].width = 16
    return sheet


def semester_workbook(rows, semester: calendar.Semester) -> bytes:
    """The semester board's rows, as the page shows them (SUP-3, SUP-4)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    yes, no = _("Yes"), _("No")
    _sheet(
        workbook,
        semester_label(semester),
        [
            _("School code"),
            _("School"),
            _("Admission district"),
            _("Advisors"),
            _("Consultations held"),
            _("Reports filed"),
            _("Scheduled"),
            _("Reports overdue"),
            _("Special-case advisory"),
            _("Advice still open"),
            _("Behind"),
        ],
        [
            [
                r.school.code,
                r.school.name,
                r.school.district.name,
                "、".join(a.display_name for a in r.advisors),
                r.held,
                r.filed,
                r.scheduled,
                r.overdue,
                r.special,
                r.open_advice,
                yes if r.behind else no,
            ]
            for r in rows
        ],
    )
    return workbook_bytes(workbook)


def exchange_workbook(schools, regions) -> bytes:
    """The exchange compliance board of a year (SUP-5 … SUP-8)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    yes, no = _("Yes"), _("No")
    _sheet(
        workbook,
        _("Schools"),
        [
            _("School code"),
            _("School"),
            _("Admission district"),
            _("Inter-school exchanges co-hosted"),
            _("Of which held"),
            _("Regional exchange"),
            _("National exchange attended"),
            _("Exchanges attended"),
            _("Principal attended in full"),
            _("Something missing"),
        ],
        [
            [
                s.code,
                s.name,
                s.district.name,
                s.cohosted,
                s.cohosted_held,
                s.regional,
                s.national,
                s.attended,
                s.principal_full,
                yes if s.missing else no,
            ]
            for s in schools
        ],
    )
    _sheet(
        workbook,
        _("Regions"),
        [
            _("Admission district"),
            _("Supported schools"),
            _("Semester-2 regional exchange planned"),
            _("Held"),
        ],
        [
            [
                r["district"].name,
                r["supported"],
                yes if r["planned"] else no,
                yes if r["held"] else no,
            ]
            for r in regions
        ],
    )

    return workbook_bytes(workbook)
