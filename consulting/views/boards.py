"""The ministry's boards: who is behind this semester (SUP-3, SUP-4) and exchange
compliance per academic year (SUP-5 … SUP-8). Each is a selector's rows, paginated, with its
Excel export built from the same rows."""

from __future__ import annotations

from django.shortcuts import render

from portal.access import paginate, require
from portal.programme import calendar
from portal.spreadsheets import xlsx_response

from .. import reports, selectors
from ..forms import BoardFilter, ExchangeBoardFilter

PER_PAGE = 50


def _semester_from(value: str, choices) -> calendar.Semester:
    for semester in choices:
        if value == f"{semester.academic_year}-{semester.number}":
            return semester
    return choices[0]


def semester_board(request):
    require(request, "consulting.view_boards")
    choices = selectors.semester_choices()
    form = BoardFilter(
        request.GET or None,
        semesters=[(f"{s.academic_year}-{s.number}", reports.semester_label(s)) for s in choices],
    )
    data = form.cleaned_data if form.is_valid() else {}
    semester = _semester_from(data.get("semester") or "", choices)
    board = selectors.semester_board(
        semester, district=data.get("district"), advisor=data.get("advisor")
    )
    if request.GET.get("export") == "xlsx":
        rows = selectors.board_rows(board, semester.academic_year)
        return xlsx_response(
            reports.semester_workbook(rows, semester),
            f"諮詢輔導進度-{semester.academic_year}-{semester.number}.xlsx",
        )
    page = paginate(request, board, per_page=PER_PAGE)
    return render(
        request,
        "consulting/semester_board.html",
        {
            "filter": {"form": form},
            "semester": semester,
            "semester_label": reports.semester_label(semester),
            "page": page,
            "rows": selectors.board_rows(page.object_list, semester.academic_year),
            "summary": selectors.semester_summary(board),
            "special_cases": selectors.special_cases(semester, district=data.get("district")),
            "days_left": (semester.end - calendar.taipei_today()).days,
        },
    )


def exchange_board(request):
    require(request, "consulting.view_boards")
    current = calendar.AcademicYear.current().roc
    years = [(y, calendar.format_academic_year(y)) for y in range(current, current - 4, -1)]
    form = ExchangeBoardFilter(request.GET or None, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or current
    board = selectors.exchange_board(year, district=data.get("district"))
    regions = selectors.region_rows(year)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            reports.exchange_workbook(list(board), regions), f"交流活動辦理情形-{year}.xlsx"
        )
    page = paginate(request, board, per_page=PER_PAGE)
    return render(
        request,
        "consulting/exchange_board.html",
        {
            "filter": {"form": form},
            "year": year,
            "page": page,
            "regions": regions,
            "missing": board.filter(missing=True).count(),
        },
    )
