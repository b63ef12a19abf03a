from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.access import require

from . import calendar, selectors, services
from .forms import PhaseForm, WindowForm
from .models import ApplicationWindow, Phase


def programme_calendar(request):
    require(request, "programme.manage_calendar")
    year = calendar.AcademicYear.current()
    return render(
        request,
        "programme/calendar.html",
        {
            "phases": Phase.objects.all(),
            "windows": ApplicationWindow.objects.select_related("updated_by"),
            "current_year": year,
            "current_semester": calendar.Semester.current(),
            "current_phase": selectors.current_phase(),
            "application_year": selectors.application_year(),
            "now": calendar.taipei_now(),
        },
    )


def _save(request, form, save, success):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success)
            return True
    return False


def phase_edit(request, pk=None):
    require(request, "programme.manage_calendar")
    phase = get_object_or_404(Phase, pk=pk) if pk else None
    form = PhaseForm(request.POST or None, instance=phase)
    if _save(
        request,
        form,
        lambda p: services.phase_save(phase=p, by=request.user),
        _("The phase was saved."),
    ):
        return redirect("programme:calendar")
    return render(request, "programme/phase_form.html", {"form": form, "phase": phase})


def window_edit(request, pk=None):
    require(request, "programme.manage_calendar")
    window = get_object_or_404(ApplicationWindow, pk=pk) if pk else None
    initial = {}
    if window is None:
        year = selectors.application_year()
        while ApplicationWindow.objects.filter(academic_year=year).exists():
            year += 1
        opens, closes = calendar.default_window(year)
        initial = {"academic_year": year, "opens_on": opens, "closes_on": closes}
    form = WindowForm(request.POST or None, instance=window, initial=initial)
    if _save(
        request,
        form,
        lambda w: services.window_save(window=w, by=request.user),
        _("The application window was saved."),
    ):
        return redirect("programme:calendar")
    return render(request, "programme/window_form.html", {"form": form, "window": window})
