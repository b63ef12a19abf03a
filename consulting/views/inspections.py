"""Inspections (SUP-1): inspectors of the competent authority record visits to the supported
schools of their county and track the problems found; ministry staff see the escalated ones."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import paginate, require, visible_or_404
from portal.programme import calendar

from .. import services
from ..enums import ProblemStatus
from ..forms import InspectionForm, ProblemForm, RequiredNoteForm, RespondForm
from ..models import Inspection, InspectionProblem, ProblemEvent
from ..supported import supported_schools
from .common import run


def inspection_list(request):
    require(request, "consulting.list_inspections")
    user = request.user
    inspections = Inspection.objects.select_related("school", "inspector").annotate(
        open_problems=Count("problems", filter=~Q(problems__status=ProblemStatus.RESOLVED)),
        escalated=Count("problems", filter=Q(problems__escalated_at__isnull=False)),
    )
    problems = InspectionProblem.objects.exclude(status=ProblemStatus.RESOLVED).select_related(
        "school", "inspection"
    )
    if not user.has_role("ministry"):
        inspections = inspections.filter(school__county_id__in=user.county_ids())
        problems = problems.filter(school__county_id__in=user.county_ids())
    else:
        problems = problems.filter(escalated_at__isnull=False)
    return render(
        request,
        "consulting/inspection_list.html",
        {
            "page": paginate(request, inspections.order_by("-visited_on", "-pk"), per_page=50),
            "problems": list(problems.order_by("inspection__visited_on", "pk")[:100]),
            "can_record": user.has_role("inspector"),
            "is_ministry": user.has_role("ministry"),
        },
    )


def inspection_create(request):
    require(request, "consulting.list_inspections")
    user = request.user
    if not user.county_ids():
        require(request, "consulting.inspect")  # 403: only inspectors record visits
    year = calendar.AcademicYear.current().roc
    schools = supported_schools(year).filter(county_id__in=user.county_ids()).order_by("code")
    form = InspectionForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = run(
            request,
            lambda: services.inspection_record(
                school=data["school"],
                visited_on=data["visited_on"],
                checked=data["checked"],
                assessment=data["assessment"],
                problems=data["problems"].splitlines(),
                by=user,
            ),
            _("The visit was recorded; the school was told of the problems found."),
            lambda i: i.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(request, "consulting/inspection_form.html", {"form": form})


def inspection_detail(request, pk):
    inspection = (
        Inspection.objects.select_related("school__county", "inspector")
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=InspectionProblem.objects.prefetch_related(
                    Prefetch("events", queryset=ProblemEvent.objects.select_related("actor"))
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    visible_or_404(request, "consulting.view_inspection", inspection)
    user = request.user
    return render(
        request,
        "consulting/inspection_detail.html",
        {
            "inspection": inspection,
            "is_inspector": inspection.school.county_id in user.county_ids(),
            "is_staff": inspection.school_id in user.school_ids(),
            "is_ministry": user.has_role("ministry"),
            "note_form": RequiredNoteForm(),
            "respond_form": RespondForm(),
            "problem_form": ProblemForm(),
        },
    )


def _problem(request, pk) -> InspectionProblem:
    problem = InspectionProblem.objects.select_related("school", "inspection").filter(pk=pk).first()
    visible_or_404(request, "consulting.view_inspection", problem)
    return problem


@require_POST
def problem_add(request, pk):
    inspection = get_object_or_404(Inspection.objects.select_related("school"), pk=pk)
    visible_or_404(request, "consulting.view_inspection", inspection)
    require(request, "consulting.inspect", inspection)
    return run(
        request,
        lambda: services.problem_add(
            inspection=inspection,
            description=request.POST.get("description", ""),
            by=request.user,
        ),
        _("The problem was recorded; the school was told."),
        inspection.get_absolute_url(),
    )


ACTIONS = {
    "escalate": (
        services.problem_escalate,
        "consulting.inspect",
        gettext_lazy("The problem was escalated to the ministry."),
    ),
    "resolve": (
        services.problem_resolve,
        "consulting.supervise_problem",
        gettext_lazy("The problem is marked resolved; the school was told."),
    ),
    "reopen": (
        services.problem_reopen,
        "consulting.supervise_problem",
        gettext_lazy("The problem is open again; the school was told."),
    ),
}


@require_POST
def problem_action(request, pk, action):
    problem = _problem(request, pk)
    if action not in ACTIONS:
        from django.http import Http404

        raise Http404
    service, perm, message = ACTIONS[action]
    require(request, perm, problem)
    return run(
        request,
        lambda: service(problem=problem, note=request.POST.get("note", ""), by=request.user),
        str(message),
        problem.get_absolute_url(),
    )
