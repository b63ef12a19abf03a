"""The outcome (PERF-6, OVS-2, SCHED-3), the ministry's board, settings, the school's
timeline, and commendations and nominations (OVS-3)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Plan
from portal.access import paginate, require, visible_or_404
from portal.documents.selectors import documents_for
from portal.documents.services import document_request
from portal.programme import calendar
from portal.schools.models import School
from portal.spreadsheets import xlsx_response

from .. import reports, selectors, services
from ..checks import outcome_missing
from ..enums import Decision, NominationKind, NominationStatus, ReportStatus
from ..forms import (
    ConditionMetForm,
    NominationForm,
    NominationStatusForm,
    OutcomeForm,
    SettingsForm,
)
from ..models import Condition, Nomination, Outcome, ResultsReport
from .common import failed, run


def outcome_decide(request, plan_pk, year):
    require(request, "assessment.manage")
    plan = get_object_or_404(Plan.objects.select_related("school", "phase"), pk=plan_pk)
    py = get_object_or_404(plan.years, academic_year=year)
    report = ResultsReport.objects.filter(plan=plan, academic_year=year, whole_term=False).first()
    # What the outcome still waits for is listed instead of the form (PERF-6, OVS-1, OVS-2).
    missing = outcome_missing(plan, year)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and not missing and form.is_valid():
        outcome = run(
            request,
            lambda: services.outcome_decide(
                plan=plan,
                academic_year=year,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                opinion=form.cleaned_data["opinion"],
                conditions=form.conditions(),
                reduced_amount=form.cleaned_data["reduced_amount"],
                by=request.user,
            ),
            success=_("The outcome was recorded; the school is told."),
            form=form,
        )
        if not failed(outcome):
            return redirect(outcome)
    from ..models import Assignment

    return render(
        request,
        "assessment/outcome_form.html",
        {
            "plan": plan,
            "plan_year": py,
            "year": year,
            "report": report,
            "form": form,
            "missing": missing,
            "ratings": Assignment.objects.filter(
                school=plan.school, panel__academic_year=year
            ).select_related("member__user", "rating"),
            "shown": selectors.consolidated_for_school(plan.school, year),
        },
    )


def outcome_detail(request, pk):
    outcome = get_object_or_404(
        Outcome.objects.select_related("school", "plan__phase", "decided_by"), pk=pk
    )
    visible_or_404(request, "assessment.view_outcome", outcome)
    shown = selectors.consolidated_for_school(outcome.school, outcome.academic_year)
    return render(
        request,
        "assessment/outcome_detail.html",
        {
            "outcome": outcome,
            "conditions": outcome.conditions.select_related("met_by"),
            "recommendations": shown["recommendations"],
            "visit": shown["visit"],
            "can_manage": request.user.has_perm("assessment.manage"),
            "met_form": ConditionMetForm(),
            # The notice is the school's, whoever asked for it (it is made when the outcome
            # is decided): everyone who may read the outcome sees its newest copy.
            "documents": documents_for(outcome, kind="assessment_outcome_notice", limit=1),
        },
    )


@require_POST
def outcome_notice(request, pk):
    outcome = get_object_or_404(Outcome, pk=pk)
    visible_or_404(request, "assessment.view_outcome", outcome)
    with transaction.atomic():
        document = document_request(
            kind="assessment_outcome_notice", target=outcome, by=request.user
        )
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)


@require_POST
def condition_met(request, pk):
    require(request, "assessment.manage")
    condition = get_object_or_404(Condition.objects.select_related("outcome"), pk=pk)
    form = ConditionMetForm(request.POST)
    note = form.data.get("note", "")
    run(
        request,
        lambda: services.condition_met(condition=condition, note=note, by=request.user),
        success=_("The condition is marked met."),
    )
    return redirect(condition.outcome)


# --- The board ----------------------------------------------------------------------------


def _board_year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit():
        return int(raw)
    return calendar.AcademicYear.current().roc - 1


def board(request):
    """Per school of the year: report, values, visit, ratings, outcome, share of indicators
    met, execution rate — filtered, paginated, overdue highlighted, exported (same rows)."""
    require(request, "assessment.manage")
    year = _board_year(request)
    status = request.GET.get("status", "")
    outcome = request.GET.get("outcome", "")
    q = request.GET.get("q", "").strip()
    queryset = selectors.board_queryset(year, status=status, outcome=outcome, q=q)
    if request.GET.get("download") == "xlsx":
        rows = selectors.board_rows(queryset, year)
        return xlsx_response(
            reports.board_workbook(rows, year), f"{year}績效考核-{calendar.roc_stamp()}.xlsx"
        )
    page = paginate(request, queryset)
    rows = selectors.board_rows(page.object_list, year)
    charts = selectors.board_charts(year)
    outcome_chart = {
        "type": "bar",
        "labels": [str(label) if label else _("Not decided") for label, _n in charts["outcomes"]],
        "datasets": [{"label": _("Schools"), "data": [n for _l, n in charts["outcomes"]]}],
        # Numbers of schools: whole ticks only.
        "options": {"scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}}},
    }
    rate_chart = {
        "type": "bar",
        "labels": [band for band, _n in charts["rates"]],
        "datasets": [{"label": _("Schools"), "data": [n for _band, n in charts["rates"]]}],
        "options": {"scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}}},
    }
    return render(
        request,
        "assessment/board.html",
        {
            "year": year,
            "years": sorted({year, year - 1, year + 1, calendar.AcademicYear.current().roc}),
            "page": page,
            "rows": rows,
            "status": status,
            "outcome": outcome,
            "q": q,
            "statuses": ReportStatus.choices,
            "decisions": Decision.choices,
            "charts": charts,
            "outcome_chart": outcome_chart,
            "rate_chart": rate_chart,
            "open_conditions": selectors.open_conditions(year),
        },
    )


def settings_page(request):
    require(request, "assessment.manage")
    from ..checks import variance_share

    year = _board_year(request)
    form = SettingsForm(request.POST or None, initial={"variance_share": variance_share(year)})
    if request.method == "POST" and form.is_valid():
        done = run(
            request,
            lambda: services.settings_save(
                academic_year=year,
                variance_share=form.cleaned_data["variance_share"],
                by=request.user,
            ),
            success=_("The settings were saved."),
            form=form,
        )
        if not failed(done):
            return redirect(f"{request.path}?year={year}")
    return render(request, "assessment/settings.html", {"form": form, "year": year})


def school_timeline(request, code):
    school = get_object_or_404(School, code=code)
    visible_or_404(request, "assessment.view_school_assessment", school)
    return render(
        request,
        "assessment/timeline.html",
        {"school": school, "entries": selectors.school_timeline(school, request.user)},
    )


# --- Commendations and nominations (OVS-3) -------------------------------------------------


def nominations(request):
    user = request.user
    is_ministry = user.has_perm("assessment.manage")
    schools = user.school_ids()
    if not is_ministry and not schools:
        raise Http404
    rows = Nomination.objects.select_related("school").order_by(
        "-academic_year", "school__code", "pk"
    )
    if not is_ministry:
        rows = rows.filter(school_id__in=schools)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if is_ministry and request.GET.get("download") == "xlsx":
        return xlsx_response(
            reports.nominations_workbook(rows), f"敘獎及推薦-{calendar.roc_stamp()}.xlsx"
        )
    form = None
    if schools:
        school = School.objects.get(pk=sorted(schools)[0])
        form = NominationForm(
            request.POST or None,
            request.FILES or None,
            initial={"academic_year": calendar.AcademicYear.current().roc},
        )
        if request.method == "POST" and form.is_valid():
            done = run(
                request,
                lambda: services.nomination_add(
                    school=school,
                    academic_year=form.cleaned_data["academic_year"],
                    kind=form.cleaned_data["kind"],
                    nominee=form.cleaned_data["nominee"],
                    nominee_role=form.cleaned_data["nominee_role"],
                    nominee_title=form.cleaned_data["nominee_title"],
                    reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                    by=user,
                ),
                success=_("The commendation or nomination was recorded."),
                form=form,
            )
            if not failed(done):
                return redirect("assessment:nominations")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "assessment/nominations.html",
        {
            "page": paginate(request, rows),
            "form": form,
            "is_ministry": is_ministry,
            "kinds": NominationKind.choices,
            "statuses": NominationStatus.choices,
            "kind": kind,
            "status": status,
            "status_form": NominationStatusForm(),
        },
    )


@require_POST
def nomination_status(request, pk):
    require(request, "assessment.manage")
    nomination = get_object_or_404(Nomination, pk=pk)
    form = NominationStatusForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.nomination_status_set(
                nomination=nomination,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            success=_("The status was saved."),
        )
    return redirect("assessment:nominations")


def nomination_evidence(request, pk):
    from django.http import FileResponse

    nomination = get_object_or_404(Nomination.objects.select_related("school"), pk=pk)
    visible_or_404(request, "assessment.view_nomination", nomination)
    if not nomination.evidence:
        raise Http404
    return FileResponse(
        nomination.evidence.open("rb"), as_attachment=True, filename=nomination.evidence_name
    )
