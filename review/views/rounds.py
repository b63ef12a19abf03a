"""A round: its settings, rubric, assignments, progress and reminders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Plan
from portal.access import require
from portal.accounts.enums import CommitteeCategory
from portal.documents.selectors import documents_for

from .. import checks, reports, selectors, services, tasks
from ..enums import AssignmentStatus
from ..forms import (
    AssignForm,
    AutoAssignForm,
    CriterionForm,
    RoundForm,
)
from ..models import (
    Assignment,
    CommitteeMember,
    Criterion,
    Review,
    Round,
)
from ._base import (
    _add_errors,
    _round,
    _round_context,
    _safe_next,
    _with_reason,
)

#: Applications per page on the progress board and the assignments page.
PER_PAGE = 50

# --- Rounds ---------------------------------------------------------------------------------


def round_detail(request, pk):
    rnd = _round(request, pk)
    return render(
        request,
        "review/round_detail.html",
        _round_context(
            rnd,
            "overview",
            progress=selectors.progress_totals(rnd),
            application_count=selectors.round_pool_queryset(rnd).count(),
            criteria=selectors.criteria_of(rnd),
            rubric_locked=selectors.rubric_locked(rnd),
            documents=documents_for(rnd, kind=reports.ROUND_SUMMARY.key),
        ),
    )


def round_settings(request, pk):
    rnd = _round(request, pk)
    form = RoundForm(request.POST or None, instance=rnd)
    change_refusal = checks.round_change(rnd)
    if change_refusal:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                rnd=Round.objects.get(pk=rnd.pk), values=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The round's settings were saved."))
            return redirect(rnd)
    return render(
        request,
        "review/round_settings.html",
        _round_context(rnd, "settings", form=form, change_refusal=change_refusal),
    )


def rubric(request, pk):
    rnd = _round(request, pk)
    form = CriterionForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(rnd=rnd, criterion=form.instance, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The criterion was added."))
            return redirect("review:rubric", rnd.pk)
    criteria = selectors.criteria_of(rnd)
    total_weight = sum((c.weight for c in criteria), 0)
    return render(
        request,
        "review/rubric.html",
        _round_context(
            rnd,
            "rubric",
            form=form,
            rows=[(c, (c.weight * 100 / total_weight) if total_weight else 0) for c in criteria],
            total_weight=total_weight,
            total_points=sum((c.max_points for c in criteria), 0),
            locked=checks.rubric_change(rnd),
        ),
    )


def criterion_edit(request, pk, criterion_pk):
    rnd = _round(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, round=rnd)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(rnd=rnd, criterion=form.instance, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect("review:rubric", rnd.pk)
    return render(
        request,
        "review/criterion_form.html",
        _round_context(rnd, "rubric", form=form, criterion=criterion),
    )


@require_POST
def criterion_delete(request, pk, criterion_pk):
    rnd = _round(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, round=rnd)
    try:
        services.criterion_delete(criterion=criterion, by=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The criterion was removed."))
    return redirect("review:rubric", rnd.pk)


# --- Assignments ----------------------------------------------------------------------------


def _member_labels(members) -> None:
    """Each member's name and category, worded once."""
    categories = {value: str(label) for value, label in CommitteeCategory.choices}
    for m in members:
        m.name_and_category = f"{m.user.display_name}（{categories.get(m.category, m.category)}）"


def assignments(request, pk):
    rnd = _round(request, pk)
    page = selectors.pool_page(rnd, request.GET.get("page"), PER_PAGE)
    pool = list(page)
    members = selectors.active_members(rnd.committee)
    conflicts = selectors.conflict_map(rnd.committee_id, members, pool)
    by_plan: dict[int, list[Assignment]] = {}
    page_assignments = selectors.round_assignments(rnd, plans=pool)
    for a in page_assignments:
        by_plan.setdefault(a.plan_id, []).append(a)
    _member_labels([a.member for a in page_assignments])
    rows = []
    for plan in pool:
        current = by_plan.get(plan.pk, [])
        taken = {a.member_id for a in current}
        conflicted = [
            (m, conflicts[(m.pk, plan.pk)]) for m in members if (m.pk, plan.pk) in conflicts
        ]
        rows.append(
            {
                "plan": plan,
                "assignments": current,
                "active": sum(1 for a in current if a.status == AssignmentStatus.ACTIVE),
                # Who else may review it is listed when someone asks (assign_choose): a
                # list of every member on every row would grow with the committee.
                "candidate_count": len(selectors.assignable(members, plan.pk, taken, conflicts)),
                "conflicts": conflicted,
            }
        )
    return render(
        request,
        "review/assignments.html",
        _round_context(
            rnd,
            "assignments",
            rows=rows,
            page=page,
            auto_form=AutoAssignForm(initial={"per_application": rnd.reviewers_per_application}),
        ),
    )


def assign_choose(request, pk, plan_pk):
    """The members who may review one application of the round (not assigned to it, no
    conflict of interest), to assign one by hand: inline on the assignments page with htmx,
    else as a page of its own."""
    rnd = _round(request, pk)
    plan = get_object_or_404(selectors.round_pool_queryset(rnd), pk=plan_pk)
    members = selectors.active_members(rnd.committee)
    conflicts = selectors.conflict_map(rnd.committee_id, members, [plan])
    taken = set(Assignment.objects.filter(round=rnd, plan=plan).values_list("member_id", flat=True))
    candidates = selectors.assignable(members, plan.pk, taken, conflicts)
    _member_labels(candidates)
    load = selectors.member_loads(rnd)
    back = request.GET.get("next", "")
    context = _round_context(
        rnd,
        "assignments",
        plan=plan,
        candidates=[(m, load.get(m.pk, 0)) for m in candidates],
        next=back if back.startswith("/review/") else reverse("review:assignments", args=[rnd.pk]),
    )
    if request.htmx:
        return render(request, "review/_assign_choose.html", context)
    return render(request, "review/assign_choose.html", context)


@require_POST
def assign_auto(request, pk):
    rnd = _round(request, pk)
    form = AutoAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of reviewers per application (1 to 15)."))
        return redirect("review:assignments", rnd.pk)
    try:
        result = services.assignments_auto(
            rnd=rnd, by=request.user, per_application=form.cleaned_data["per_application"]
        )
    except (services.ReviewError, ValidationError) as exc:
        messages.error(request, exc.messages[0] if hasattr(exc, "messages") else str(exc))
    else:
        messages.success(
            request,
            _("%(count)s assignments were made automatically, conflicts of interest excluded.")
            % {"count": len(result.created)},
        )
        for plan, missing in result.short:
            messages.warning(
                request,
                _(
                    "%(school)s still lacks %(count)s reviewers: no other member is free of a "
                    "conflict of interest."
                )
                % {"school": plan.school.name, "count": missing},
            )
    return redirect("review:assignments", rnd.pk)


@require_POST
def assign_add(request, pk):
    rnd = _round(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        raise Http404
    member = get_object_or_404(
        CommitteeMember.objects.select_related("user"),
        pk=form.cleaned_data["member"],
        committee=rnd.committee,
    )
    plan = get_object_or_404(Plan.objects.select_related("school"), pk=form.cleaned_data["plan"])
    try:
        services.assignment_create(rnd=rnd, member=member, plan=plan, by=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s was assigned %(school)s.")
            % {"name": member.user.display_name, "school": plan.school.name},
        )
    return redirect(_safe_next(request, reverse("review:assignments", args=[rnd.pk])))


@require_POST
def assignment_remove(request, pk):
    require(request, "review.manage")
    assignment = get_object_or_404(Assignment.objects.select_related("round"), pk=pk)
    try:
        services.assignment_remove(assignment=assignment, by=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assignment was removed."))
    return redirect(_safe_next(request, reverse("review:assignments", args=[assignment.round_id])))


@require_POST
def assignment_recuse(request, pk):
    require(request, "review.manage")
    assignment = get_object_or_404(Assignment.objects.select_related("round"), pk=pk)
    if _with_reason(
        request,
        lambda reason: services.assignment_recuse(
            assignment=assignment, reason=reason, by=request.user
        ),
    ):
        messages.success(request, _("The reviewer was recused; their review is left out."))
    return redirect(_safe_next(request, reverse("review:plan_review", args=[assignment.plan_id])))


@require_POST
def review_reopen(request, pk):
    require(request, "review.manage")
    review = get_object_or_404(Review.objects.select_related("assignment"), pk=pk)
    if _with_reason(
        request,
        lambda reason: services.review_reopen(review=review, reason=reason, by=request.user),
    ):
        messages.success(request, _("The review was sent back to its reviewer."))
    return redirect("review:plan_review", review.assignment.plan_id)


# --- Progress and reminders -----------------------------------------------------------------


def progress(request, pk):
    rnd = _round(request, pk)
    page = selectors.pool_page(rnd, request.GET.get("page"), PER_PAGE)
    board, reviewer_page = selectors.progress_page(
        rnd, page, request.GET.get("reviewers"), per_page=PER_PAGE
    )
    return render(
        request,
        "review/progress.html",
        _round_context(
            rnd,
            "progress",
            board=board,
            page=page,
            reviewer_page=reviewer_page,
            now=timezone.now(),
            remind_refusal=checks.remind(rnd, board.missing),
        ),
    )


@require_POST
def remind(request, pk):
    rnd = _round(request, pk)
    member_id = request.POST.get("member")
    if member_id:
        # One reviewer; anything but one of this committee's members is refused, rather than
        # reminding everybody.
        if not member_id.isdigit() or not rnd.committee.members.filter(pk=member_id).exists():
            raise Http404
        member_id = int(member_id)
    else:
        member_id = None
    board = selectors.progress(rnd)
    missing = sum(
        r.missing for r in board.reviewers if member_id is None or r.member.pk == member_id
    )
    refusal = checks.remind(rnd, missing)
    if refusal:
        messages.error(request, refusal)
        return redirect("review:progress", rnd.pk)
    by_id = request.user.pk
    transaction.on_commit(lambda: tasks.send_reminders.delay(rnd.pk, by_id, member_id))
    messages.success(request, _("The reminders are being sent by e-mail."))
    return redirect("review:progress", rnd.pk)
