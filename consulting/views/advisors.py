"""The advisory talent database (SUP-2), the advisory group of a year (SUP-3) and the
schools' requests for help (SUP-2)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import paginate, require, visible_or_404
from portal.programme import calendar

from .. import selectors, services, suggestion
from ..enums import RequestStatus
from ..forms import AdvisorProfileForm, AssignForm, MatchForm, RequestForm
from ..models import AdvisorProfile, AdvisoryAssignment, SchoolRequest
from .common import get_school, run


def advisor_list(request):
    require(request, "consulting.manage")
    year = calendar.AcademicYear.current().roc
    profiles = (
        AdvisorProfile.objects.select_related("user", "affiliated_school")
        .prefetch_related("districts")
        .order_by("user__username")
    )
    loads = suggestion.loads(year)
    page = paginate(request, profiles, per_page=50)
    return render(
        request,
        "consulting/advisor_list.html",
        {"page": page, "loads": loads, "year": year},
    )


def advisor_edit(request, pk=None):
    require(request, "consulting.manage")
    profile = (
        get_object_or_404(AdvisorProfile.objects.select_related("user"), pk=pk) if pk else None
    )
    initial = {}
    if profile is not None:
        initial = {
            "user": profile.user,
            "districts": list(profile.districts.all()),
            "expertise": profile.expertise_items,
            "affiliation": profile.affiliation,
            "affiliated_school": profile.affiliated_school,
            "is_available": profile.is_available,
            "availability_note": profile.availability_note,
            "max_schools": profile.max_schools,
        }
    form = AdvisorProfileForm(request.POST or None, initial=initial, profile=profile)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        user = profile.user if profile else values.pop("user")
        values.pop("user", None)
        districts = values.pop("districts")
        response = run(
            request,
            lambda: services.advisor_profile_save(
                user=user, values=values, districts=districts, by=request.user
            ),
            _("Saved in the advisory talent database."),
            reverse("consulting:advisor_list"),
            form,
        )
        if response:
            return response
    return render(request, "consulting/advisor_form.html", {"form": form, "profile": profile})


def advisory_group(request):
    """The advisory group of a year: who advises which supported school (SUP-3)."""
    require(request, "consulting.manage")
    current = calendar.AcademicYear.current().roc
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or current)
    except ValueError:
        year = current
    schools = (
        selectors.supported_schools(year)
        .select_related("district")
        .order_by("district__order", "code")
    )
    form = AssignForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        response = run(
            request,
            lambda: services.assignment_add(
                academic_year=year,
                school=form.cleaned_data["school"],
                advisor=form.cleaned_data["advisor"],
                by=request.user,
            ),
            _("The advisor was assigned; they were told by e-mail."),
            f"{reverse('consulting:advisory_group')}?year={year}",
            form,
        )
        if response:
            return response
    school_list = list(schools)
    groups = {}
    for a in (
        AdvisoryAssignment.objects.filter(
            academic_year=year, removed_at__isnull=True, school__in=school_list
        )
        .select_related("advisor")
        .order_by("advisor__username")
    ):
        groups.setdefault(a.school_id, []).append(a)
    return render(
        request,
        "consulting/advisory_group.html",
        {
            "year": year,
            "years": [current + 1, current, current - 1],
            "rows": [(s, groups.get(s.pk, [])) for s in school_list],
            "form": form,
            "proposal": suggestion.suggest(year) if request.GET.get("suggest") else None,
        },
    )


@require_POST
def advisory_group_apply(request):
    """Apply the suggestion as shown: each pair the page listed, checked again."""
    require(request, "consulting.manage")
    year = int(request.POST.get("year") or calendar.AcademicYear.current().roc)
    pairs = suggestion.pairs_from(request.POST.getlist("pair"))
    back = f"{reverse('consulting:advisory_group')}?year={year}"
    if not pairs:
        messages.info(request, _("There was nothing to assign."))
        return redirect(back)
    return run(
        request,
        lambda: services.assignments_apply(academic_year=year, pairs=pairs, by=request.user),
        _("The suggested advisors were assigned."),
        back,
    )


@require_POST
def assignment_remove(request, pk):
    require(request, "consulting.manage")
    assignment = get_object_or_404(AdvisoryAssignment, pk=pk)
    return run(
        request,
        lambda: services.assignment_remove(assignment=assignment, by=request.user),
        _("The advisor was removed from the school's advisory group."),
        f"{reverse('consulting:advisory_group')}?year={assignment.academic_year}",
    )


# --- Requests -------------------------------------------------------------------------------


def request_list(request):
    user = request.user
    queryset = SchoolRequest.objects.select_related("school__district", "advisor")
    if user.has_perm("consulting.manage"):
        pass
    elif user.school_ids():
        queryset = queryset.filter(school_id__in=user.school_ids())
    elif user.has_role("advisor"):
        queryset = queryset.filter(advisor=user)
    else:
        require(request, "consulting.manage")
    status = request.GET.get("status")
    if status in RequestStatus.values:
        queryset = queryset.filter(status=status)
    return render(
        request,
        "consulting/request_list.html",
        {
            "page": paginate(request, queryset.order_by("-requested_at"), per_page=50),
            "statuses": RequestStatus.choices,
            "status": status,
        },
    )


def request_create(request, code):
    school = get_school(request, code, "consulting.request_help")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = run(
            request,
            lambda: services.request_create(school=school, by=request.user, **form.cleaned_data),
            _("Your request was sent to the ministry, which will match an advisor."),
            lambda r: r.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(request, "consulting/request_form.html", {"school": school, "form": form})


def request_detail(request, pk):
    obj = get_object_or_404(
        SchoolRequest.objects.select_related("school__district", "advisor", "requested_by"),
        pk=pk,
    )
    visible_or_404(request, "consulting.view_request", obj)
    is_ministry = request.user.has_perm("consulting.manage")
    form = MatchForm(request.POST or None, district=obj.school.district) if is_ministry else None
    if request.method == "POST" and form is not None and form.is_valid():
        response = run(
            request,
            lambda: services.request_match(
                request=obj,
                advisor=form.cleaned_data["advisor"],
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            _("The advisor was matched; the advisor and the school were told."),
            obj.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(
        request,
        "consulting/request_detail.html",
        {
            "req": obj,
            "form": form,
            "is_staff": obj.school_id in request.user.school_ids(),
            "is_matched_advisor": obj.advisor_id == request.user.pk,
            "consultations": list(obj.consultations.all()),
        },
    )


@require_POST
def request_withdraw(request, pk):
    obj = get_object_or_404(SchoolRequest.objects.select_related("school"), pk=pk)
    visible_or_404(request, "consulting.view_request", obj)
    return run(
        request,
        lambda: services.request_withdraw(request=obj, by=request.user),
        _("The request was withdrawn."),
        obj.get_absolute_url(),
    )
