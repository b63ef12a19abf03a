"""The evaluation panel's pages (OVS-1): ministry staff form and run the panel; a member sees
only their own schools and records findings, a rating and recommendations; the school
answers each recommendation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import require, visible_or_404

from .. import selectors, services
from ..enums import VisitStatus
from ..forms import (
    AnswerForm,
    AssignForm,
    ConflictForm,
    FindingForm,
    MemberForm,
    PanelForm,
    RatingForm,
    RecommendationForm,
    VisitCancelForm,
    VisitForm,
    VisitRecordForm,
    VisitRescheduleForm,
)
from ..models import Assignment, Panel, PanelMember, Recommendation, Visit
from .common import failed, run


def panel_list(request):
    require(request, "assessment.manage")
    form = PanelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        panel = run(
            request,
            lambda: services.panel_create(
                academic_year=form.cleaned_data["academic_year"],
                name=form.cleaned_data["name"],
                levels=form.cleaned_data["levels"].splitlines(),
                by=request.user,
            ),
            success=_("The panel was formed."),
            form=form,
        )
        if not failed(panel):
            return redirect(panel)
    panels = Panel.objects.prefetch_related("levels").order_by("-academic_year")
    return render(request, "assessment/panel_list.html", {"panels": panels, "form": form})


def panel_detail(request, pk):
    require(request, "assessment.manage")
    panel = get_object_or_404(Panel, pk=pk)
    candidates = selectors.panel_candidates(panel)
    forms = {
        "member": MemberForm(prefix="member"),
        "assign": AssignForm(prefix="assign", panel=panel, candidates=candidates),
        "visit": VisitForm(prefix="visit", candidates=candidates),
    }
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "member":
            form = forms["member"] = MemberForm(request.POST, prefix="member")
            if form.is_valid() and not failed(
                run(
                    request,
                    lambda: services.member_add(
                        panel=panel, user=form.cleaned_data["user"], by=request.user
                    ),
                    success=_("The member was added."),
                    form=form,
                )
            ):
                return redirect(panel)
        elif which == "assign":
            form = forms["assign"] = AssignForm(
                request.POST, prefix="assign", panel=panel, candidates=candidates
            )
            if form.is_valid() and not failed(
                run(
                    request,
                    lambda: services.assignment_add(
                        panel=panel,
                        member=form.cleaned_data["member"],
                        plan=form.cleaned_data["plan_year"].plan,
                        by=request.user,
                    ),
                    success=_("The member was assigned."),
                    form=form,
                )
            ):
                return redirect(panel)
        elif which == "visit":
            form = forms["visit"] = VisitForm(request.POST, prefix="visit", candidates=candidates)
            if form.is_valid() and not failed(
                run(
                    request,
                    lambda: services.visit_schedule(
                        panel=panel,
                        plan=form.cleaned_data["plan_year"].plan,
                        starts_at=form.cleaned_data["starts_at"],
                        place=form.cleaned_data["place"],
                        by=request.user,
                    ),
                    success=_("The visit was scheduled; the school and the members are told."),
                    form=form,
                )
            ):
                return redirect(panel)
        else:
            raise Http404
    members = panel.members.select_related("user").prefetch_related("conflicts")
    return render(
        request,
        "assessment/panel_detail.html",
        {
            "panel": panel,
            "members": members,
            "levels": panel.levels.all(),
            "assignments": selectors.panel_assignments(panel),
            "visits": panel.visits.select_related("school").order_by("starts_at"),
            **forms,
        },
    )


def member_conflicts(request, pk):
    member = get_object_or_404(PanelMember.objects.select_related("panel", "user"), pk=pk)
    if not (request.user.has_perm("assessment.manage") or member.user_id == request.user.pk):
        raise Http404
    form = ConflictForm(
        request.POST or None,
        initial={"schools": member.conflicts.all(), "note": member.conflict_note},
    )
    if request.method == "POST" and form.is_valid():
        done = run(
            request,
            lambda: services.member_conflicts_set(
                member=member,
                schools=form.cleaned_data["schools"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            success=_("The conflicts of interest were recorded."),
            form=form,
        )
        if not failed(done):
            if request.user.has_perm("assessment.manage"):
                return redirect(member.panel)
            return redirect("assessment:home")
    return render(request, "assessment/member_conflicts.html", {"member": member, "form": form})


def _assignment(request, pk) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("panel", "member__user", "school", "plan__phase"),
        pk=pk,
    )
    visible_or_404(request, "assessment.evaluate", assignment)
    return assignment


def assignment_detail(request, pk):
    """The member's page for one school: the report, findings, rating, recommendations."""
    assignment = _assignment(request, pk)
    panel = assignment.panel
    finding_form = FindingForm(prefix="finding")
    rating_form = RatingForm(
        prefix="rating",
        panel=panel,
        initial={"rating": assignment.rating_id, "opinion": assignment.opinion},
    )
    recommendation_form = RecommendationForm(prefix="rec")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "finding":
            finding_form = FindingForm(request.POST, prefix="finding")
            if finding_form.is_valid() and not failed(
                run(
                    request,
                    lambda: services.finding_save(
                        assignment=assignment,
                        item=finding_form.cleaned_data["item"],
                        text=finding_form.cleaned_data["text"],
                        by=request.user,
                    ),
                    success=_("The finding was saved."),
                    form=finding_form,
                )
            ):
                return redirect("assessment:assignment", assignment.pk)
        elif which == "rating":
            rating_form = RatingForm(request.POST, prefix="rating", panel=panel)
            if rating_form.is_valid() and not failed(
                run(
                    request,
                    lambda: services.rating_save(
                        assignment=assignment,
                        rating=rating_form.cleaned_data["rating"],
                        opinion=rating_form.cleaned_data["opinion"],
                        by=request.user,
                    ),
                    success=_("Your rating was saved."),
                    form=rating_form,
                )
            ):
                return redirect("assessment:assignment", assignment.pk)
        elif which == "recommendation":
            recommendation_form = RecommendationForm(request.POST, prefix="rec")
            if recommendation_form.is_valid() and not failed(
                run(
                    request,
                    lambda: services.recommendation_add(
                        assignment=assignment,
                        item=recommendation_form.cleaned_data["item"],
                        text=recommendation_form.cleaned_data["text"],
                        by=request.user,
                    ),
                    success=_("The recommendation was added."),
                    form=recommendation_form,
                )
            ):
                return redirect("assessment:assignment", assignment.pk)
        else:
            raise Http404
    from ..models import ResultsReport

    report = ResultsReport.objects.filter(
        plan=assignment.plan, academic_year=panel.academic_year, whole_term=False
    ).first()
    visit = (
        Visit.objects.filter(panel=panel, school=assignment.school)
        .exclude(status="cancelled")
        .first()
    )
    return render(
        request,
        "assessment/assignment.html",
        {
            "assignment": assignment,
            "report": report,
            "visit": visit,
            "findings": assignment.findings.all(),
            "recommendations": assignment.recommendations.all(),
            "finding_form": finding_form,
            "rating_form": rating_form,
            "recommendation_form": recommendation_form,
            "closed": services.panel.evaluation_refusal(assignment),
        },
    )


def visit_manage(request, pk):
    """Ministry staff move a scheduled visit to another time or place, or cancel it with the
    reason; both tell the school and the assigned members (OVS-1)."""
    require(request, "assessment.manage")
    visit = get_object_or_404(
        Visit.objects.select_related("panel", "school", "cancelled_by"), pk=pk
    )
    reschedule = VisitRescheduleForm(
        prefix="move", initial={"starts_at": visit.starts_at, "place": visit.place}
    )
    cancel = VisitCancelForm(prefix="cancel")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "reschedule":
            reschedule = VisitRescheduleForm(request.POST, prefix="move")
            if reschedule.is_valid() and not failed(
                run(
                    request,
                    lambda: services.visit_reschedule(
                        visit=visit,
                        starts_at=reschedule.cleaned_data["starts_at"],
                        place=reschedule.cleaned_data["place"],
                        by=request.user,
                    ),
                    success=_("The visit was moved; the school and the members are told."),
                    form=reschedule,
                )
            ):
                return redirect(visit.panel)
        elif which == "cancel":
            cancel = VisitCancelForm(request.POST, prefix="cancel")
            if cancel.is_valid() and not failed(
                run(
                    request,
                    lambda: services.visit_cancel(
                        visit=visit, reason=cancel.cleaned_data["reason"], by=request.user
                    ),
                    success=_("The visit was cancelled; the school and the members are told."),
                    form=cancel,
                )
            ):
                return redirect(visit.panel)
        else:
            raise Http404
    return render(
        request,
        "assessment/visit_manage.html",
        {
            "visit": visit,
            "reschedule": reschedule,
            "cancel": cancel,
            "open": visit.status == VisitStatus.SCHEDULED,
        },
    )


def visit_record(request, pk):
    visit = get_object_or_404(Visit.objects.select_related("panel", "school"), pk=pk)
    visible_or_404(request, "assessment.record_visit", visit)
    form = VisitRecordForm(
        request.POST or None,
        panel=visit.panel,
        initial={
            "minutes": visit.minutes,
            "school_attendees": visit.school_attendees,
            "members_present": visit.members_present.all(),
        },
    )
    if request.method == "POST" and form.is_valid():
        done = run(
            request,
            lambda: services.visit_record(
                visit=visit,
                minutes=form.cleaned_data["minutes"],
                school_attendees=form.cleaned_data["school_attendees"],
                members_present=form.cleaned_data["members_present"],
                by=request.user,
            ),
            success=_("The visit was recorded."),
            form=form,
        )
        if not failed(done):
            if request.user.has_perm("assessment.manage"):
                return redirect(visit.panel)
            return redirect("assessment:home")
    return render(request, "assessment/visit_record.html", {"visit": visit, "form": form})


@require_POST
def recommendation_answer(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.select_related("school"), pk=pk)
    visible_or_404(request, "assessment.answer_recommendation", recommendation)
    form = AnswerForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.recommendation_answer(
                recommendation=recommendation,
                answer=form.cleaned_data["answer"],
                by=request.user,
            ),
            success=_("Your answer was saved."),
        )
    else:
        messages.error(request, _("Say what the school did."))
    return redirect(reverse("assessment:home") + "#recommendations")
