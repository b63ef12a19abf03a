"""The reviewer's pages: scoring, the version assigned, conflicts, the score sheet."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import PlanVersion
from applications.selectors import document_context as plan_document_context
from portal.access import require, visible_or_404
from portal.documents.selectors import documents_for
from portal.documents.services import document_request

from .. import checks, reports, selectors, services
from ..forms import (
    ReasonForm,
    ScoreForm,
)
from ..models import (
    Assignment,
    Visit,
)
from ._base import (
    _add_errors,
    _with_reason,
)

# --- The reviewer's pages -------------------------------------------------------------------


def _own_assignment(request, pk) -> Assignment:
    require(request, "review.review")
    assignment = (
        Assignment.objects.select_related(
            "round__committee__phase", "member__user", "plan__school", "plan__phase", "version"
        )
        .filter(pk=pk)
        .first()
    )
    visible_or_404(request, "review.score", assignment)
    return assignment


def assignment(request, pk):
    """Score an application: a draft first, then submit (SEL-1, SEL-2)."""
    assignment = _own_assignment(request, pk)
    rnd = assignment.round
    criteria = selectors.criteria_of(rnd)
    review = selectors.review_of(assignment)
    submitted = bool(review and review.is_submitted)
    open_now = rnd.is_open()
    score_refusal = checks.score(assignment, request.user)
    form = ScoreForm(
        request.POST or None,
        criteria=criteria,
        review=review,
        disabled=bool(score_refusal),
    )
    if request.method == "POST" and not submitted:
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.review_save(
                    assignment=assignment, by=request.user, submit=submit, **form.service_kwargs()
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Your review was submitted. Thank you.")
                    if submit
                    else _("Your draft was saved. Submit it before the deadline."),
                )
                return redirect("review:assignment", assignment.pk)
        messages.error(request, _("Your review was not saved: correct what is marked below."))
    visit = Visit.objects.filter(round=rnd, plan=assignment.plan).first()
    return render(
        request,
        "review/assignment.html",
        {
            "assignment": assignment,
            "round": rnd,
            "plan": assignment.plan,
            "review": review,
            "submitted": submitted,
            "open_now": open_now,
            "form": form,
            "others": selectors.other_reviews(assignment),
            "criteria": criteria,
            "conflict_form": ReasonForm(),
            "score_refusal": score_refusal,
            "later_versions": assignment.plan.versions.filter(
                number__gt=assignment.version.number
            ).count()
            if assignment.version
            else 0,
            "conflict_refusal": checks.declare_conflict(assignment, request.user),
            "visit": visit,
            "sheets": documents_for(review, kind=reports.SCORE_SHEET.key) if review else [],
        },
    )


def assignment_plan(request, pk):
    """The plan as it was submitted for the round: the frozen version the reviewer was
    assigned, not the live plan; any version submitted later (a budget revised to the
    approved amounts, say) is listed beside it and can be opened."""
    assignment = _own_assignment(request, pk)
    plan = assignment.plan
    versions = list(
        plan.versions.defer("snapshot").select_related("submitted_by").order_by("number")
    )
    if not versions:
        raise Http404
    assigned = assignment.version or versions[-1]
    shown = [v for v in versions if v.number >= assigned.number]
    number = request.GET.get("version", "")
    if number:
        if not number.isdigit():
            raise Http404
        wanted = next((v for v in shown if v.number == int(number)), None)
        if wanted is None:
            raise Http404
    else:
        wanted = assigned
    version = PlanVersion.objects.select_related("submitted_by").get(pk=wanted.pk)
    return render(
        request,
        "review/assignment_plan.html",
        {
            "assignment": assignment,
            "plan": plan,
            "version": version,
            "assigned": assigned,
            "versions": shown,
            **plan_document_context(plan, version.snapshot),
        },
    )


@require_POST
def declare_conflict(request, pk):
    assignment = _own_assignment(request, pk)
    if not _with_reason(
        request,
        lambda reason: services.assignment_declare_conflict(
            assignment=assignment, reason=reason, by=request.user
        ),
    ):
        return redirect("review:assignment", assignment.pk)
    messages.success(
        request,
        _("Your conflict of interest was recorded: you abstain from %(school)s.")
        % {"school": assignment.plan.school.name},
    )
    return redirect("review:my")


@require_POST
def sheet_pdf(request, pk):
    assignment = _own_assignment(request, pk)
    review = selectors.review_of(assignment)
    if review is None:
        raise Http404
    document = document_request(kind=reports.SCORE_SHEET.key, target=review, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)
