"""One application for the ministry, its comments and decision; the result list (SEL-6)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Plan
from portal.access import require, visible_or_404
from portal.documents.selectors import documents_for
from portal.documents.services import document_request

from .. import checks, hooks, reports, selectors, services
from ..enums import RoundNumber
from ..forms import (
    ApproveForm,
    BulkDecisionForm,
    CommentForm,
    RejectForm,
)
from ..models import (
    Decision,
    Round,
    RoundOutcome,
)
from ._base import (
    _add_errors,
    _committee,
)

# --- One application: the ministry's page, comments and the decision (SEL-6) ----------------


def _plan_for_ministry(request, plan_pk):
    require(request, "review.manage")
    plan = get_object_or_404(Plan.objects.select_related("school", "phase"), pk=plan_pk)
    committee = selectors.committee_for_plan(plan)
    if committee is None:
        decision = Decision.objects.filter(plan=plan).select_related("committee").last()
        committee = decision.committee if decision else None
    if committee is None:
        raise Http404
    return plan, committee


def plan_review(request, plan_pk, approve_form=None, reject_form=None, comment_forms=None):
    plan, committee = _plan_for_ministry(request, plan_pk)
    details = selectors.plan_review_detail(committee, plan)
    decision = Decision.objects.filter(committee=committee, plan=plan).first()
    requested = services.requested_subsidy(plan)
    comment_forms = comment_forms or {}
    draft = {"comments": selectors.decision_comment_draft(committee, plan)} if not decision else {}
    rounds = []
    for detail in details:
        form = comment_forms.get(detail.round.pk) or CommentForm(
            initial={
                "text": detail.comment.text
                if detail.comment
                else selectors.comment_draft(detail.assignments)
            }
        )
        rounds.append((detail, form))
        detail.visit_refusal = (
            checks.schedule_visit(detail.round, plan)
            if detail.round.number == RoundNumber.SECOND
            else None
        )
        detail.versions = sorted(
            {a.version.number: a.version for a in detail.assignments if a.version}.values(),
            key=lambda v: v.number,
        )
        for a in detail.assignments:
            a.recuse_refusal = checks.recuse(a)
            review = selectors.review_of(a)
            a.reopen_refusal = checks.reopen_review(review) if review else None
    outcomes = checks._outcomes(committee, plan)
    return render(
        request,
        "review/plan_review.html",
        {
            "plan": plan,
            "committee": committee,
            "rounds": rounds,
            "decision": decision,
            "requested": requested,
            "requested_total": sum(requested.values()),
            "approve_refusal": None if decision else checks.approve(committee, plan, outcomes),
            "reject_refusal": None if decision else checks.reject(committee, plan, outcomes),
            "approve_form": approve_form
            or ApproveForm(requested=requested, prefix="approve", initial=draft),
            "reject_form": reject_form or RejectForm(prefix="reject", initial=draft),
            "notices": documents_for(decision, kind=reports.DECISION_NOTICE.key)
            if decision
            else [],
            # APP-7: each year's programme budget beside the amounts to approve.
            "decision_panels": []
            if decision
            else hooks.decision_panels(plan.plan_years, _proposed(approve_form, requested)),
        },
    )


@require_POST
def comment_save(request, plan_pk, round_pk):
    plan, committee = _plan_for_ministry(request, plan_pk)
    rnd = get_object_or_404(Round, pk=round_pk, committee=committee)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.consolidated_comment_save(
                rnd=rnd, plan=plan, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The consolidated comments were saved."))
            return redirect(reverse("review:plan_review", args=[plan.pk]) + f"#round-{rnd.number}")
    return plan_review(request, plan_pk, comment_forms={rnd.pk: form})


@require_POST
def decide(request, plan_pk):
    plan, _committee = _plan_for_ministry(request, plan_pk)
    requested = services.requested_subsidy(plan)
    approve = request.POST.get("decision") == "approve"
    approve_form = ApproveForm(
        request.POST if approve else None, requested=requested, prefix="approve"
    )
    reject_form = RejectForm(None if approve else request.POST, prefix="reject")
    form = approve_form if approve else reject_form
    if form.is_valid():
        try:
            services.decision_record(
                plan=plan,
                approve=approve,
                amounts=approve_form.amounts() if approve else None,
                conditions=approve_form.cleaned_data.get("conditions", "") if approve else "",
                reasons="" if approve else reject_form.cleaned_data["reasons"],
                comments=form.cleaned_data["comments"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The plan was approved; the school was told and its notice is being generated.")
                if approve
                else _(
                    "The plan was not approved; the school was told and its notice is being "
                    "generated."
                ),
            )
            return redirect("review:plan_review", plan.pk)
    return plan_review(request, plan_pk, approve_form=approve_form, reject_form=reject_form)


def decisions(request, pk):
    """The committee's result list: each application's rounds and decision, and the decision
    for several applications at once (those that can be decided now)."""
    committee = _committee(request, pk)
    rounds = selectors.rounds_of(committee)
    first = rounds.get(RoundNumber.FIRST)
    second = rounds.get(RoundNumber.SECOND)
    pool = selectors.round_pool(first) if first else []
    outcomes = {
        (o.round_id, o.plan_id): o for o in RoundOutcome.objects.filter(round__committee=committee)
    }
    decided = {d.plan_id: d for d in Decision.objects.filter(committee=committee)}
    rows = []
    for plan in pool:
        row = {
            "plan": plan,
            "first": outcomes.get((first.pk, plan.pk)) if first else None,
            "second": outcomes.get((second.pk, plan.pk)) if second else None,
            "decision": decided.get(plan.pk),
        }
        confirmed = {
            rnd.number: outcomes[(rnd.pk, plan.pk)]
            for rnd in (first, second)
            if rnd is not None and rnd.is_confirmed and (rnd.pk, plan.pk) in outcomes
        }
        row["approve_refusal"] = checks.approve(
            committee, plan, confirmed, decided=plan.pk in decided
        )
        row["reject_refusal"] = checks.reject(
            committee, plan, confirmed, decided=plan.pk in decided
        )
        rows.append(row)
    open_rows = [r for r in rows if r["approve_refusal"] is None or r["reject_refusal"] is None]
    approvable = [r["plan"] for r in open_rows if r["approve_refusal"] is None]
    form = BulkDecisionForm(
        request.POST or None,
        rows=open_rows,
        requested=selectors.requested_subsidies(approvable),
        comments=selectors.decision_comment_drafts(committee, [r["plan"] for r in open_rows]),
        prefix="bulk",
    )
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["outcome"] == "approve"
        entries = [
            services.DecisionEntry(plan=plan, amounts=amounts, comments=comments)
            for plan, amounts, comments in form.chosen()
        ]
        try:
            recorded = services.decisions_record(
                entries=entries,
                approve=approve,
                conditions=form.cleaned_data["conditions"],
                reasons=form.cleaned_data["reasons"],
                by=request.user,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Decisions recorded for %(schools)s; the schools were told and their notices "
                    "are being generated."
                )
                % {"schools": "、".join(d.plan.school.name for d in recorded)},
            )
            return redirect("review:decisions", committee.pk)
    for row in rows:
        row["fields"] = form.row_fields(row) if row in open_rows else None
    proposed = defaultdict(Decimal)
    for amounts in form.requested.values():
        for year, amount in amounts.items():
            proposed[year] += amount or 0
    return render(
        request,
        "review/decisions.html",
        {
            "committee": committee,
            "rows": rows,
            "rounds": rounds,
            "form": form,
            # APP-7: each year's programme budget, and what approving every approvable
            # application as requested would leave.
            "decision_panels": hooks.decision_panels(sorted(proposed), dict(proposed))
            if open_rows
            else [],
        },
    )


def _proposed(approve_form, requested) -> dict:
    """The amounts the approval form proposes: what was typed, else the request."""
    amounts = dict(requested)
    if approve_form is not None and approve_form.is_bound and approve_form.is_valid():
        amounts.update({y: a for y, a in approve_form.amounts().items() if a is not None})
    return amounts


@require_POST
def notice_pdf(request, plan_pk):
    """The decision notice, for the school and the ministry."""
    plan = get_object_or_404(Plan.objects.select_related("school"), pk=plan_pk)
    decision = Decision.objects.filter(plan=plan).order_by("-decided_at").first()
    visible_or_404(request, "review.view_decision", decision)
    document = document_request(kind=reports.DECISION_NOTICE.key, target=decision, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)
