"""The results report's pages: the school writes (autosave, htmx), the principal signs off,
ministry staff return or accept; panel members assigned to the school read it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.models import PlanYear
from indicators.models import PlanIndicator
from portal.access import require
from portal.documents.selectors import documents_for
from portal.documents.services import document_request

from .. import selectors, services
from ..enums import ReportStatus
from ..forms import PART_FORMS, AttachmentForm, CommentForm, SummaryForm
from ..models import (
    BudgetExecution,
    ItemEvaluation,
    ReportAttachment,
    SubPlanExecution,
)
from .common import failed, get_report, run


def home(request):
    """The assessment for the person: ministry staff go to the board; a school sees its
    reports, outcomes and recommendations; a panel member their schools."""
    if request.user.has_perm("assessment.manage"):
        return redirect("assessment:board")
    schools = request.user.school_ids()
    is_panel = request.user.has_perm("assessment.panel_work")
    if not schools and not is_panel:
        require(request, "assessment.view_school_assessment")
    from ..models import Nomination, Outcome, Recommendation

    return render(
        request,
        "assessment/home.html",
        {
            "reports": selectors.school_reports(schools) if schools else [],
            "startable": selectors.reportable_years(schools) if schools else [],
            "can_start": bool(request.user.school_ids(*_coordinator())),
            "outcomes": Outcome.objects.filter(school_id__in=schools).select_related("school"),
            "recommendations": Recommendation.objects.filter(school_id__in=schools).only(
                "pk", "item", "text", "answer", "answered_at", "academic_year", "school_id"
            ),
            "nominations": Nomination.objects.filter(school_id__in=schools)[:5],
            "assignments": selectors.member_assignments(request.user) if is_panel else [],
            "memberships": (
                request.user.panel_memberships.select_related("panel") if is_panel else []
            ),
        },
    )


def _coordinator():
    from portal.accounts.enums import Role

    return (Role.COORDINATOR,)


@require_POST
def report_start(request):
    year = get_object_or_404(
        PlanYear.objects.select_related("plan__school", "plan__phase"),
        pk=request.POST.get("plan_year") or 0,
    )
    require(request, "assessment.edit_report", year.plan.school)
    report = run(
        request,
        lambda: services.report_start(
            plan=year.plan,
            academic_year=year.academic_year,
            whole_term=request.POST.get("whole_term") == "1",
            by=request.user,
        ),
        success=_("The report was started."),
    )
    if failed(report):
        return redirect("assessment:home")
    return redirect("assessment:report_edit", report.pk)


def _actions(request, report) -> list[tuple[str, str, str]]:
    user = request.user
    status = report.status
    actions = []
    if report.is_editable and user.has_perm("assessment.edit_report", report):
        actions.append(("send", _("Send to the principal"), "primary"))
    if status == ReportStatus.AWAITING_PRINCIPAL:
        if user.has_perm("assessment.sign_off_report", report):
            actions.append(("approve", _("Sign off and submit"), "success"))
            actions.append(("send_back", _("Send back to the coordinator"), "outline-secondary"))
        if user.has_perm("assessment.edit_report", report):
            actions.append(("recall", _("Recall"), "outline-secondary"))
    if status == ReportStatus.SUBMITTED and user.has_perm("assessment.manage"):
        actions.append(("accept", _("Accept"), "success"))
        actions.append(("return", _("Return with comments"), "outline-danger"))
    return actions


def report_detail(request, pk):
    report = get_report(request, pk)
    view = selectors.report_view(report)
    can_manage = request.user.has_perm("assessment.manage")
    shown = (
        selectors.consolidated_for_school(report.school, report.academic_year)
        if not report.whole_term
        else {}
    )
    return render(
        request,
        "assessment/report_detail.html",
        {
            "report": report,
            "view": view,
            "actions": _actions(request, report),
            "comment_form": CommentForm(),
            "events": report.events.select_related("actor"),
            "versions": report.versions.select_related("submitted_by").defer("snapshot"),
            "can_edit": report.is_editable
            and request.user.has_perm("assessment.edit_report", report),
            "can_manage": can_manage,
            "shown": shown,
            "ratings": _ratings(report) if can_manage else [],
            "documents": documents_for(report, kind="assessment_report", user=request.user),
            "window": services.report.window_open_for(report),
        },
    )


def _ratings(report):
    from ..models import Assignment

    return Assignment.objects.filter(
        school=report.school, panel__academic_year=report.academic_year
    ).select_related("member__user", "rating")


def report_edit(request, pk):
    report = get_report(request, pk, "assessment.edit_report")
    if not report.is_editable:
        messages.info(request, _("The report is not being written now: it is shown as it is."))
        return redirect(report)
    view = selectors.report_view(report)
    forms = PART_FORMS
    return render(
        request,
        "assessment/report_edit.html",
        {
            "report": report,
            "view": view,
            "summary_form": SummaryForm(initial={"summary": report.summary}),
            "executions": [
                (e, forms["execution"](initial=_initial(e), prefix=f"e{e.pk}"))
                for e in view.executions
            ],
            "items": [
                (e, item, forms["item"](initial=_initial(e), prefix=f"i{e.pk}"))
                for e, item in view.items
            ],
            "indicators": [
                (
                    r,
                    forms["explanation"](
                        initial=_initial(r.explanation) if r.explanation else {},
                        prefix=f"x{r.plan_indicator.pk}",
                    ),
                )
                for r in view.indicators
            ],
            "budget": [
                (b, forms["budget"](initial=_initial(b), prefix=f"b{b.pk}")) for b in view.budget
            ],
            "attachment_form": AttachmentForm(),
        },
    )


def _initial(part) -> dict:
    from ..services.report import PART_FIELDS

    return {name: getattr(part, name) for name in PART_FIELDS[type(part)]}


PART_MODELS = {
    "execution": (SubPlanExecution, "e"),
    "item": (ItemEvaluation, "i"),
    "budget": (BudgetExecution, "b"),
}


@require_POST
def report_part(request, pk, kind, part_pk):
    """Autosave one part (htmx): answers the "saved" line, the errors or the conflict."""
    report = get_report(request, pk, "assessment.edit_report")
    if kind == "explanation":
        plan_indicator = get_object_or_404(PlanIndicator, pk=part_pk, plan=report.plan)
        part = services.explanation_for(report, plan_indicator)
        prefix = f"x{part_pk}"
    elif kind in PART_MODELS:
        model, letter = PART_MODELS[kind]
        part = get_object_or_404(model, pk=part_pk, report=report)
        prefix = f"{letter}{part_pk}"
    else:
        raise Http404
    form = PART_FORMS[kind](request.POST, prefix=prefix)
    if not form.is_valid():
        return render(request, "assessment/_part_errors.html", {"form": form}, status=422)
    raw = request.POST.get(f"{prefix}-revision")
    revision = int(raw) if raw and raw.isdigit() else None
    values = {k: request.POST.get(f"{prefix}-{k}", "") for k in form.fields}
    try:
        saved = services.part_save(
            report=report, part=part, values=values, revision=revision, by=request.user
        )
    except services.EditConflict as conflict:
        return render(
            request, "assessment/_conflict.html", {"conflict": conflict.current}, status=409
        )
    except services.AssessmentError as exc:
        return HttpResponse(str(exc), status=403)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        return render(request, "assessment/_part_errors.html", {"form": form}, status=422)
    if not request.htmx:
        return _saved_page(request, report)
    return render(
        request,
        "assessment/_saved.html",
        {"part": saved, "prefix": prefix, "rate": getattr(saved, "rate", None)},
    )


def _saved_page(request, report):
    """A save posted without htmx (scripts off) goes back to the editor, saying so."""
    messages.success(request, _("Saved."))
    return redirect("assessment:report_edit", report.pk)


@require_POST
def report_summary(request, pk):
    report = get_report(request, pk, "assessment.edit_report")
    raw = request.POST.get("summary_revision", "")
    try:
        saved = services.summary_save(
            report=report,
            summary=request.POST.get("summary", ""),
            revision=int(raw) if raw.isdigit() else -1,
            by=request.user,
        )
    except services.EditConflict as conflict:
        return render(
            request,
            "assessment/_conflict.html",
            {"conflict": conflict.current},
            status=409,
        )
    except services.AssessmentError as exc:
        return HttpResponse(str(exc), status=403)
    if not request.htmx:
        return _saved_page(request, report)
    return render(
        request,
        "assessment/_saved.html",
        {"part": saved, "prefix": "summary", "summary": True},
    )


@require_POST
def attachment_add(request, pk):
    report = get_report(request, pk, "assessment.edit_report")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        run(
            request,
            lambda: services.attachment_add(
                report=report,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=request.user,
            ),
            success=_("The file was added."),
            form=form,
        )
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(reverse("assessment:report_edit", args=[report.pk]) + "#files")


@require_POST
def attachment_remove(request, pk, attachment_pk):
    report = get_report(request, pk, "assessment.edit_report")
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    run(
        request,
        lambda: services.attachment_remove(report=report, attachment=attachment, by=request.user),
        success=_("The file was removed."),
    )
    return redirect(reverse("assessment:report_edit", args=[report.pk]) + "#files")


def attachment_download(request, pk, attachment_pk):
    report = get_report(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    if attachment.removed_at and not request.user.has_perm("assessment.manage"):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


ACTIONS = {
    "send": (
        "assessment.edit_report",
        lambda r, u, c: services.report_send_to_principal(report=r, by=u),
        gettext_lazy("The report was sent to the principal."),
    ),
    "recall": (
        "assessment.edit_report",
        lambda r, u, c: services.report_recall(report=r, by=u),
        gettext_lazy("The report is back in draft."),
    ),
    "approve": (
        "assessment.sign_off_report",
        lambda r, u, c: services.report_principal_approve(report=r, by=u, comment=c),
        gettext_lazy("The report was submitted."),
    ),
    "send_back": (
        "assessment.sign_off_report",
        lambda r, u, c: services.report_principal_send_back(report=r, by=u, comment=c),
        gettext_lazy("The report was sent back to the coordinator."),
    ),
    "return": (
        "assessment.manage",
        lambda r, u, c: services.report_return(report=r, by=u, comment=c),
        gettext_lazy("The report was returned to the school."),
    ),
    "accept": (
        "assessment.manage",
        lambda r, u, c: services.report_accept(report=r, by=u, comment=c),
        gettext_lazy("The report was accepted."),
    ),
}


@require_POST
def report_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    perm, call, success = ACTIONS[action]
    report = get_report(request, pk)
    require(request, perm, report)
    comment = request.POST.get("comment", "")
    run(request, lambda: call(report, request.user, comment), success=str(success))
    return redirect(report)


def version_detail(request, pk, number):
    report = get_report(request, pk)
    version = get_object_or_404(report.versions.select_related("submitted_by"), number=number)
    return render(request, "assessment/version_detail.html", {"report": report, "version": version})


@require_POST
def report_pdf(request, pk):
    report = get_report(request, pk)
    with transaction.atomic():
        document = document_request(kind="assessment_report", target=report, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)
