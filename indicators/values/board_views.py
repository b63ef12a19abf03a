"""The ministry's pages of yearly values: reporting windows, the completeness board, the
national table and its long export, the spread of one indicator and the attainment map.

Every page answers 403 to anyone but ministry staff (``indicators.view_national`` /
``indicators.manage_windows``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.items import ITEMS
from portal.access import paginate, require
from portal.programme import calendar

from ..enums import Attainment, ReportStatus
from ..models import Indicator, ReportingWindow, ValuesExport
from . import boards, charts, exports, services
from .downloads import table_response
from .forms import BoardFilterForm, NationalFilterForm, WindowForm


def _years():
    """The academic years anything can be reported for: those with a supported plan year."""
    from applications.models import PlanYear

    return list(
        PlanYear.objects.order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .distinct()
    )


def windows(request):
    require(request, "indicators.manage_windows")
    form = WindowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            window = services.window_save(
                academic_year=data["academic_year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                by=request.user,
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        except services.ValuesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The reporting window of %(year)s was saved.")
                % {"year": calendar.format_academic_year(window.academic_year)},
            )
            return redirect("indicators:values_windows")
    rows = [
        (w, services.window_state(w)) for w in ReportingWindow.objects.select_related("updated_by")
    ]
    return render(request, "indicators/values/windows.html", {"form": form, "rows": rows})


def _default_year():
    window = ReportingWindow.objects.order_by("-academic_year").first()
    if window:
        return window.academic_year
    years = _years()
    return years[0] if years else calendar.AcademicYear.current().roc - 1


def board(request, year=None):
    """Who has not reported, who waits for the principal, who was returned (IND-3)."""
    require(request, "indicators.view_national")
    year = year or _int(request.GET.get("year")) or _default_year()
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = boards.completeness(
        year,
        district=filters.get("district"),
        ownership=filters.get("ownership") or None,
        status=filters.get("status") or None,
    )
    if request.GET.get("download"):
        labels = _status_labels()
        return table_response(
            headers=[
                _("School code"),
                _("School"),
                _("Admission district"),
                _("Status"),
                _("Values reported"),
                _("Indicators"),
                _("Latest comment"),
            ],
            rows=(
                [
                    r.plan.school.code,
                    r.plan.school.name,
                    r.plan.school.district.name,
                    labels.get(r.report_status, r.report_status),
                    r.reported,
                    r.expected,
                    r.report_comment or "",
                ]
                for r in rows
            ),
            filename=f"{year}學年度-績效指標填報情形",
            fmt="csv" if request.GET.get("download") == "csv" else "xlsx",
        )
    window = ReportingWindow.objects.filter(academic_year=year).first()
    return render(
        request,
        "indicators/values/board.html",
        {
            "year": year,
            "years": sorted(
                set(_years())
                | set(ReportingWindow.objects.values_list("academic_year", flat=True)),
                reverse=True,
            ),
            "window": window,
            "window_state": services.window_state(window),
            "filter": SimpleNamespace(form=form),
            "counts": boards.completeness_counts(rows),
            "page": paginate(request, rows, per_page=50),
            "labels": _status_labels(),
        },
    )


@require_POST
def remind(request, year):
    """Remind now the schools that have not submitted (never twice the same day)."""
    require(request, "indicators.manage_windows")
    try:
        count = services.reminders_send_now(academic_year=year, by=request.user)
    except services.ValuesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(n)s schools were reminded by e-mail; those reminded today were left out.")
            % {"n": count},
        )
    return redirect("indicators:values_board_year", year)


def _status_labels():
    return {boards.NOT_STARTED: _("Not started"), **{s.value: str(s.label) for s in ReportStatus}}


def national(request):
    """Every school's values with their targets and attainment, filtered, paginated."""
    require(request, "indicators.view_national")
    form = NationalFilterForm(request.GET or None, years=_years())
    filters = form.filters()
    rows = boards.national_values(**filters)
    page = paginate(request, rows, per_page=50)
    return render(
        request,
        "indicators/values/national.html",
        {
            "filter": SimpleNamespace(form=form),
            "page": page,
            "rows": [boards.national_row(v) for v in page.object_list],
            "exports": ValuesExport.objects.filter(requested_by=request.user)[:5],
            "labels": {a.value: a.label for a in Attainment},
            "statuses": {s.value: s.label for s in ReportStatus},
        },
    )


@require_POST
def export_start(request):
    require(request, "indicators.view_national")
    form = NationalFilterForm(request.POST, years=_years())
    filters = form.filters()
    stored = {
        "academic_year": filters.get("academic_year"),
        "district": filters["district"].pk if filters.get("district") else None,
        "ownership": filters.get("ownership"),
        "phase": filters["phase"].pk if filters.get("phase") else None,
        "item": filters.get("item"),
    }
    export = exports.export_request(filters=stored, by=request.user)
    messages.success(request, _("The export is being built; this page shows its progress."))
    return redirect("indicators:values_export", export.pk)


def _export(request, pk) -> ValuesExport:
    require(request, "indicators.view_national")
    return get_object_or_404(ValuesExport, pk=pk, requested_by=request.user)


def export_detail(request, pk):
    return render(request, "indicators/values/export.html", {"export": _export(request, pk)})


def export_status(request, pk):
    return render(
        request, "indicators/values/_export_status.html", {"export": _export(request, pk)}
    )


def export_download(request, pk):
    export = _export(request, pk)
    if export.status != ValuesExport.Status.DONE or not export.file:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file_name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Charts across schools -----------------------------------------------------------------


def _indicator_choices():
    """Ministry indicators by key (one per key, the latest version's name)."""
    seen = {}
    for key, name in (
        Indicator.objects.filter(version__isnull=False)
        .order_by("key", "-version__start_year")
        .values_list("key", "name")
    ):
        seen.setdefault(key, name)
    return sorted(seen.items())


def spread(request):
    """One indicator across schools in one year: a sorted bar chart and its table."""
    require(request, "indicators.view_national")
    years = _years()
    choices = _indicator_choices()
    # The year the completeness board opens on: the latest one schools report for.
    year = _int(request.GET.get("year")) or _default_year()
    key = request.GET.get("indicator") or (choices[0][0] if choices else "")
    form = NationalFilterForm(request.GET or None, years=years)
    filters = form.filters()
    filters["academic_year"] = year
    values = [boards.national_row(v) for v in boards.national_values(indicator_key=key, **filters)]
    values = [v for v in values if v.value is not None]
    values.sort(key=lambda v: (v.value, v.school_code))
    name = dict(choices).get(key, key)
    unit = values[0].unit if values else ""
    headers = [
        _("School code"),
        _("School"),
        _("Numerator"),
        _("Denominator"),
        _("Actual"),
        _("Target"),
        _("Attainment"),
    ]
    labels = {a.value: str(a.label) for a in Attainment}
    table = [
        [
            v.school_code,
            v.school,
            v.numerator,
            v.denominator,
            v.value,
            v.target,
            labels[v.attainment],
        ]
        for v in values
    ]
    if request.GET.get("download"):
        return table_response(
            headers=headers,
            rows=table,
            filename=f"{year}學年度-{name}-各校分布",
            fmt="csv" if request.GET.get("download") == "csv" else "xlsx",
        )
    return render(
        request,
        "indicators/values/spread.html",
        {
            "filter": form,
            "years": years,
            "year": year,
            "choices": choices,
            "key": key,
            "name": name,
            "unit": unit,
            "chart": charts.spread([(v.school, v.value) for v in values], unit=unit),
            "headers": headers,
            "table": table,
            "shown": [[_shown(cell) for cell in line] for line in table],
        },
    )


def attainment_map(request):
    """A school × item map of the share of indicators met in one year, with filters
    (district, public or private, phase, year)."""
    require(request, "indicators.view_national")
    years = _years()
    form = NationalFilterForm(request.GET or None, years=years)
    filters = form.filters()
    filters["academic_year"] = filters.get("academic_year") or (years[0] if years else None)
    filters.pop("item", None)
    year = filters["academic_year"]
    counts: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for value in boards.national_values(**filters):
        row = boards.national_row(value)
        status = row.attainment
        if status not in (Attainment.MET, Attainment.NOT_MET):
            continue
        for item in value.plan_indicator.indicator.item_links.all():
            cell = counts[(row.school_code, row.school)][item.item]
            cell[1] += 1
            if status == Attainment.MET:
                cell[0] += 1
    items = list(range(1, 10))
    rows = []
    for (code, name), cells in sorted(counts.items()):
        rows.append(
            {
                "code": code,
                "name": name,
                "cells": [
                    (
                        cells[n][0],
                        cells[n][1],
                        round(cells[n][0] * 100 / cells[n][1]) if cells[n][1] else None,
                    )
                    if n in cells
                    else (0, 0, None)
                    for n in items
                ],
            }
        )
    if request.GET.get("download"):
        headers = [_("School code"), _("School")] + [f"{n}. {ITEMS[n].name} (%)" for n in items]
        return table_response(
            headers=headers,
            rows=[
                [r["code"], r["name"]] + [c[2] if c[2] is not None else "" for c in r["cells"]]
                for r in rows
            ],
            filename=f"{year}學年度-各校各項目達成率",
            fmt="csv" if request.GET.get("download") == "csv" else "xlsx",
        )
    return render(
        request,
        "indicators/values/map.html",
        {"filter": form, "year": year, "items": [ITEMS[n] for n in items], "rows": rows},
    )


def _shown(cell):
    """A number as people write it (12.5, not 12.5000); text as it is."""
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f") if cell != cell.to_integral_value() else str(int(cell))
    return cell


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
