"""The programme budget's pages: ministry staff only (APP-7)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import require
from portal.programme import calendar
from portal.spreadsheets import xlsx_response

from . import reports, selectors, services
from .forms import EnvelopeForm
from .models import Envelope


def _chart(positions) -> dict:
    labels = [calendar.format_academic_year(p.academic_year) for p in positions]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            {
                "label": _("Committed"),
                "data": [float(p.committed) for p in positions],
                "stack": "c",
            },
            {
                "label": _("Provisional"),
                "data": [float(p.provisional) for p in positions],
                "stack": "c",
            },
            {
                "label": _("Free"),
                "data": [float(max(p.free, 0)) if p.free is not None else 0 for p in positions],
                "stack": "c",
            },
        ],
        "options": {"scales": {"x": {"stacked": True}, "y": {"stacked": True}}},
    }


def budget(request):
    """Each year's budget, committed, provisional and free; one year by region and item."""
    require(request, "funding.view_budget")
    positions = selectors.positions(selectors.budget_years())
    current = calendar.AcademicYear.current().roc
    try:
        year = int(request.GET.get("year") or current + 1)
    except ValueError:
        year = current + 1
    detail = selectors.breakdown(year)
    return render(
        request,
        "funding/budget.html",
        {
            "positions": positions,
            "chart": _chart(positions),
            "detail": detail,
            "year": year,
            "years": [p.academic_year for p in positions],
            "history": selectors.history(year),
        },
    )


def budget_export(request):
    require(request, "funding.view_budget")
    positions = selectors.positions(selectors.budget_years())
    regions = {p.academic_year: selectors.by_region(p.academic_year) for p in positions}
    return xlsx_response(reports.budget_workbook(positions, regions), "programme-budget.xlsx")


def envelope_edit(request, year):
    require(request, "funding.set_envelope")
    if not 90 <= year <= 200:
        raise Http404
    envelope = Envelope.objects.filter(academic_year=year).first()
    initial = {}
    if envelope is not None:
        initial = {
            "amount": envelope.amount,
            "recurrent": envelope.recurrent,
            "capital": envelope.capital,
            "source_reference": envelope.source_reference,
            "note": envelope.note,
        }
    form = EnvelopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.envelope_set(academic_year=year, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("The programme budget of %(year)s was saved.")
                % {"year": calendar.format_academic_year(year)},
            )
            return redirect(reverse("funding:budget") + f"?year={year}")
    return render(
        request,
        "funding/envelope_form.html",
        {
            "form": form,
            "year": year,
            "envelope": envelope,
            "position": selectors.positions([year])[0],
            "history": selectors.history(year),
        },
    )
