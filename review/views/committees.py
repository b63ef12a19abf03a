"""The review area, and committees with their members (SEL-3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import paginate, require

from .. import selectors, services
from ..forms import (
    CommitteeEditForm,
    CommitteeForm,
    MemberAddForm,
)
from ..models import (
    Committee,
    CommitteeMember,
)
from ._base import (
    _add_errors,
    _committee,
)

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
    summary = selectors.composition_summary(committee)
    return render(
        request,
        "review/committee_detail.html",
        {
            "committee": committee,
            "composition": summary,
            "page": paginate(
                request,
                selectors.members_in_category_order(committee),
                per_page=50,
                count=summary.size,
            ),
            "rounds": [(r, selectors.progress_totals(r)) for r in rounds],
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
