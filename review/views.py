"""Pages of the committee review: thin views over the services and selectors.

Ministry pages answer 403 to other roles. A reviewer's pages answer 403 to anyone who is not
a committee member, and 404 for an assignment that is not theirs or no longer active.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Plan, PlanVersion
from applications.selectors import document_context as plan_document_context
from portal.access import require, visible_or_404
from portal.documents.selectors import documents_for
from portal.documents.services import document_request
from portal.spreadsheets import xlsx_response

from . import checks, reports, selectors, services, tasks
from .enums import AssignmentStatus, RoundNumber
from .forms import (
    ApproveForm,
    AssignForm,
    AutoAssignForm,
    BulkDecisionForm,
    CommentForm,
    CommitteeEditForm,
    CommitteeForm,
    ConfirmForm,
    CriterionForm,
    MemberAddForm,
    ReasonForm,
    RejectForm,
    RoundForm,
    ScoreForm,
    VisitForm,
    VisitNotesForm,
)
from .models import (
    Assignment,
    Committee,
    CommitteeMember,
    Criterion,
    Decision,
    Review,
    Round,
    RoundOutcome,
    Visit,
)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _round(request, pk) -> Round:
    require(request, "review.manage")
    return get_object_or_404(Round.objects.select_related("committee__phase"), pk=pk)


def _committee(request, pk) -> Committee:
    require(request, "review.manage")
    return get_object_or_404(Committee.objects.select_related("phase"), pk=pk)


def _round_context(rnd, active, **extra):
    return {"round": rnd, "committee": rnd.committee, "active": active, **extra}


# --- The review area ------------------------------------------------------------------------


def index(request):
    require(request, "review.access")
    is_ministry = request.user.has_perm("review.manage")
    committees = []
    if is_ministry:
        committees = list(
            Committee.objects.select_related("phase")
            .annotate(member_count=Count("members", filter=Q(members__removed_at__isnull=True)))
            .prefetch_related("rounds")
        )
    home = selectors.reviewer_home(request.user) if request.user.has_perm("review.review") else None
    if not is_ministry and home is not None:
        return redirect("review:my")
    return render(
        request,
        "review/index.html",
        {"committees": committees, "home": home, "is_ministry": is_ministry},
    )


def my_reviews(request):
    require(request, "review.review")
    return render(
        request,
        "review/my_reviews.html",
        {"home": selectors.reviewer_home(request.user), "now": timezone.now()},
    )


# --- Committees (SEL-3) ---------------------------------------------------------------------


def committee_create(request):
    require(request, "review.manage")
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(
                phase=form.cleaned_data["phase"],
                academic_year=form.cleaned_data["academic_year"],
                name=form.cleaned_data["name"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "The committee was formed with its two rounds and their rubrics. Add its "
                    "members next."
                ),
            )
            return redirect(committee)
    return render(request, "review/committee_form.html", {"form": form})


def committee_edit(request, pk):
    committee = _committee(request, pk)
    form = CommitteeEditForm(request.POST or None, instance=committee)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(
                committee=committee,
                name=form.cleaned_data["name"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(committee)
    return render(request, "review/committee_form.html", {"form": form, "committee": committee})


def committee_detail(request, pk):
    committee = _committee(request, pk)
    rounds = list(committee.rounds.all())
    return render(
        request,
        "review/committee_detail.html",
        {
            "committee": committee,
            "composition": selectors.composition(committee),
            "rounds": [(r, selectors.progress(r)) for r in rounds],
            "form": MemberAddForm(committee=committee),
        },
    )


@require_POST
def member_add(request, pk):
    committee = _committee(request, pk)
    form = MemberAddForm(request.POST, committee=committee)
    if form.is_valid():
        try:
            member = services.committee_member_add(
                committee=committee,
                user=form.cleaned_data["user"],
                is_convener=form.cleaned_data["is_convener"],
                by=request.user,
            )
        except services.ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(name)s joined the committee.") % {"name": member.user.display_name}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(committee)


@require_POST
def member_remove(request, pk, member_pk):
    committee = _committee(request, pk)
    member = get_object_or_404(CommitteeMember, pk=member_pk, committee=committee)
    try:
        services.committee_member_remove(member=member, by=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(name)s left the committee.") % {"name": member.user.display_name}
        )
    return redirect(committee)


# --- Rounds ---------------------------------------------------------------------------------


def round_detail(request, pk):
    rnd = _round(request, pk)
    return render(
        request,
        "review/round_detail.html",
        _round_context(
            rnd,
            "overview",
            progress=selectors.progress(rnd),
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


def assignments(request, pk):
    rnd = _round(request, pk)
    pool = selectors.round_pool(rnd)
    members = selectors.active_members(rnd.committee)
    conflicts = selectors.conflict_map(rnd.committee_id, members, pool)
    existing = selectors.round_assignments(rnd)
    by_plan: dict[int, list[Assignment]] = {}
    for a in existing:
        by_plan.setdefault(a.plan_id, []).append(a)
    load = {m.pk: 0 for m in members}
    for a in existing:
        if a.status == AssignmentStatus.ACTIVE and a.member_id in load:
            load[a.member_id] += 1
    rows = []
    for plan in pool:
        current = by_plan.get(plan.pk, [])
        taken = {a.member_id for a in current}
        rows.append(
            {
                "plan": plan,
                "assignments": current,
                "active": sum(1 for a in current if a.status == AssignmentStatus.ACTIVE),
                "candidates": [
                    m for m in members if m.pk not in taken and (m.pk, plan.pk) not in conflicts
                ],
                "conflicts": [
                    (m, conflicts[(m.pk, plan.pk)]) for m in members if (m.pk, plan.pk) in conflicts
                ],
            }
        )
    return render(
        request,
        "review/assignments.html",
        _round_context(
            rnd,
            "assignments",
            rows=rows,
            members=[(m, load[m.pk]) for m in members],
            auto_form=AutoAssignForm(initial={"per_application": rnd.reviewers_per_application}),
        ),
    )


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


def _safe_next(request, default):
    target = request.POST.get("next", "")
    return target if target.startswith("/review/") else default


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


def _with_reason(request, act) -> bool:
    """Run an action that needs a reason; the service checks the reason and the rules, and
    what it refuses becomes a message. True when it went through."""
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        act(reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        return True
    return False


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
    board = selectors.progress(rnd)
    return render(
        request,
        "review/progress.html",
        _round_context(
            rnd,
            "progress",
            board=board,
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


# --- Results --------------------------------------------------------------------------------


def ranking(request, pk):
    rnd = _round(request, pk)
    round_assignments = selectors.round_assignments(rnd)
    result = selectors.ranking(rnd, round_assignments)
    form = None
    if not rnd.is_confirmed:
        form = ConfirmForm(
            request.POST or None,
            rows=result.rows,
            comments=selectors.round_comment_drafts(rnd, round_assignments),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.round_confirm_results(
                    rnd=rnd,
                    passed=form.passed(),
                    reasons=form.reasons(),
                    comments=form.comments(),
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
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
            rows=[
                (row, form.fields_for(row) if form else (None, None, None)) for row in result.rows
            ],
            gaps=gaps,
            left_out=list(left_out.values()),
            confirm_refusal=None if rnd.is_confirmed else checks.confirm(rnd, result, gaps),
            reopen_refusal=checks.reopen_round(rnd) if rnd.is_confirmed else None,
        ),
    )


def _posted_plan(request) -> Plan:
    pk = request.POST.get("plan", "")
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(Plan.objects.select_related("school"), pk=pk)


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


# --- Round 2: visits (SEL-5) ----------------------------------------------------------------


def visits(request, pk):
    rnd = _round(request, pk)
    if rnd.number != RoundNumber.SECOND:
        raise Http404
    pool = selectors.round_pool(rnd)
    scheduled = {
        v.plan_id: v for v in Visit.objects.filter(round=rnd).prefetch_related("attendees__user")
    }
    return render(
        request,
        "review/visits.html",
        _round_context(
            rnd,
            "visits",
            rows=[(plan, scheduled.get(plan.pk)) for plan in pool],
            first_confirmed=bool(
                selectors.first_round(rnd) and selectors.first_round(rnd).is_confirmed
            ),
        ),
    )


def visit_edit(request, pk, plan_pk):
    rnd = _round(request, pk)
    if rnd.number != RoundNumber.SECOND:
        raise Http404
    plan = get_object_or_404(Plan.objects.select_related("school"), pk=plan_pk)
    visit = Visit.objects.filter(round=rnd, plan=plan).first()
    members = selectors.active_members(rnd.committee)
    conflicts = selectors.conflict_map(rnd.committee_id, members, [plan])
    eligible = CommitteeMember.objects.filter(
        pk__in=[m.pk for m in members if (m.pk, plan.pk) not in conflicts]
    ).select_related("user")
    initial = {"mode": rnd.kind}
    if visit:
        initial["attendees"] = list(visit.attendees.values_list("pk", flat=True))
    form = VisitForm(
        request.POST or None,
        instance=visit or Visit(round=rnd, plan=plan),
        members=eligible,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "attendees"}
        try:
            saved = services.visit_save(
                rnd=rnd,
                plan=plan,
                values=values,
                attendees=form.cleaned_data["attendees"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The %(form)s of %(school)s was scheduled; the school and the members were told.")
                % {"form": saved.get_mode_display(), "school": plan.school.name},
            )
            return redirect("review:visits", rnd.pk)
    return render(
        request,
        "review/visit_form.html",
        _round_context(
            rnd,
            "visits",
            form=form,
            plan=plan,
            visit=visit,
            conflicts=[
                (m, conflicts[(m.pk, plan.pk)]) for m in members if (m.pk, plan.pk) in conflicts
            ],
        ),
    )


def visit_detail(request, pk):
    """A visit, for ministry staff and the members attending: its schedule and its notes."""
    require(request, "review.access")
    visit = Visit.objects.select_related("round__committee", "plan__school").filter(pk=pk).first()
    visible_or_404(request, "review.view_visit", visit)
    form = VisitNotesForm(request.POST or None, initial={"notes": visit.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_notes_save(
                visit=visit, notes=form.cleaned_data["notes"], by=request.user
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The visit notes were saved."))
            return redirect(visit)
    own = Assignment.objects.filter(
        round=visit.round, plan=visit.plan, member__user=request.user
    ).first()
    return render(
        request,
        "review/visit_detail.html",
        {
            "visit": visit,
            "can_see_visit": bool(visit) and request.user.has_perm("review.view_visit", visit),
            "round": visit.round,
            "attendees": visit.attendees.select_related("user"),
            "form": form,
            "own": own,
            "is_ministry": request.user.has_perm("review.manage"),
        },
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
    return render(
        request,
        "review/decisions.html",
        {"committee": committee, "rows": rows, "rounds": rounds, "form": form},
    )


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
