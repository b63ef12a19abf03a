"""A round's ranking and results: confirmation, leaving out, reopening, exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.documents.services import document_request
from portal.spreadsheets import xlsx_response

from .. import checks, reports, selectors, services
from ..enums import RoundNumber
from ..forms import (
    ConfirmForm,
)
from ._base import (
    _add_errors,
    _posted_plan,
    _round,
    _round_context,
    _with_reason,
)

# --- Results --------------------------------------------------------------------------------


#: Applications per page of the ranking (its pass list is kept a page at a time).
RANKING_PER_PAGE = 50


def ranking(request, pk):
    rnd = _round(request, pk)
    facts = selectors.assignment_facts(rnd)
    result = selectors.ranking(rnd, facts)
    page = Paginator(result.rows, RANKING_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    form = None
    if not rnd.is_confirmed:
        # The comments offered on this page; confirming reads every application's.
        drafts = selectors.round_comment_drafts(rnd, plans=[row.plan.pk for row in shown])
        form = ConfirmForm(
            request.POST or None, rows=shown, comments=drafts, kept=selectors.pass_choices(rnd)
        )
        if request.method == "POST" and form.is_valid():
            here = reverse("review:ranking", args=[rnd.pk]) + f"?page={page.number}"
            try:
                if "keep" in request.POST:
                    services.pass_list_save(
                        rnd=rnd,
                        passes=form.passes(),
                        reasons=form.reasons(),
                        comments=form.changed_comments(),
                        by=request.user,
                    )
                else:
                    services.pass_list_confirm(
                        rnd=rnd,
                        passes=form.passes(),
                        reasons=form.reasons(),
                        comments=form.comments(),
                        note=form.cleaned_data["note"],
                        by=request.user,
                    )
            except ValidationError as exc:
                _add_errors(form, exc)
                if form.row_errors and not form.non_field_errors():
                    form.add_error(None, _("Correct the applications marked below."))
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                if "keep" in request.POST:
                    messages.success(
                        request,
                        _(
                            "The choices on this page were kept; they count when the pass "
                            "list is confirmed."
                        ),
                    )
                    return redirect(here)
                messages.success(
                    request, _("The results were confirmed and the schools were told.")
                )
                return redirect("review:ranking", rnd.pk)
    left_out = selectors.left_out_of(rnd)
    gaps = [] if rnd.is_confirmed else selectors.confirmation_gaps(rnd, result, left_out)
    return render(
        request,
        "review/ranking.html",
        _round_context(
            rnd,
            "ranking",
            ranking=result,
            form=form,
            page=page,
            rows=list(zip(shown, form.inputs(), strict=True))
            if form
            else [(row, None) for row in shown],
            gaps=gaps,
            left_out=list(left_out.values()),
            confirm_refusal=None if rnd.is_confirmed else checks.confirm(rnd, result, gaps),
            reopen_refusal=checks.reopen_round(rnd) if rnd.is_confirmed else None,
        ),
    )


@require_POST
def leave_out(request, pk):
    rnd = _round(request, pk)
    plan = _posted_plan(request)
    if _with_reason(
        request,
        lambda reason: services.application_leave_out(
            rnd=rnd, plan=plan, reason=reason, by=request.user
        ),
    ):
        messages.success(
            request,
            _("%(school)s was left out of the round; the reason is on record.")
            % {"school": plan.school.name},
        )
    return redirect("review:ranking", rnd.pk)


@require_POST
def take_back(request, pk):
    rnd = _round(request, pk)
    plan = _posted_plan(request)
    try:
        services.application_take_back(rnd=rnd, plan=plan, by=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(school)s is back in the round and needs its reviews.")
            % {"school": plan.school.name},
        )
    return redirect("review:ranking", rnd.pk)


@require_POST
def round_reopen(request, pk):
    rnd = _round(request, pk)
    if _with_reason(
        request,
        lambda reason: services.round_reopen(rnd=rnd, reason=reason, by=request.user),
    ):
        messages.success(
            request, _("The results were reopened; the schools were told they are reconsidered.")
        )
    return redirect("review:ranking", rnd.pk)


def export(request, pk):
    rnd = _round(request, pk)
    data = reports.scores_workbook(rnd)
    name = (
        f"{rnd.committee.academic_year}-{reports.ROUND_SHORT[RoundNumber(rnd.number)]}評分明細.xlsx"
    )
    return xlsx_response(data, name)


@require_POST
def summary_pdf(request, pk):
    rnd = _round(request, pk)
    document = document_request(kind=reports.ROUND_SUMMARY.key, target=rnd, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)
