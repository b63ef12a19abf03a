"""Round 2's site visits and interviews (SEL-5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications.models import Plan
from portal.access import require, visible_or_404

from .. import selectors, services
from ..enums import RoundNumber
from ..forms import (
    VisitForm,
    VisitNotesForm,
)
from ..models import (
    Assignment,
    CommitteeMember,
    Visit,
)
from ._base import (
    _add_errors,
    _round,
    _round_context,
)

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
