from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import paginate, require, visible_or_404
from portal.documents.selectors import documents_for
from portal.imports.models import ImportJob
from portal.imports.services import ImportRefused, import_start
from portal.imports.views import job_page
from portal.registry import school_panels

from . import selectors, services
from .constants import EVALUATION_ITEMS
from .forms import CycleForm, SchoolFilter, SchoolForm, ScoresForm, UploadForm
from .models import EvaluationCycle, School


def school_list(request):
    require(request, "schools.list_schools")
    filterset = SchoolFilter(request.GET, queryset=selectors.school_list(user=request.user))
    # Each school's eligibility is read from its kept standing: filtered, counted and paged
    # in SQL, the page then shows its 50 schools.
    schools = filterset.qs
    counts = schools.aggregate(total=Count("pk"), eligible=Count("pk", filter=Q(eligible_now=True)))
    page = paginate(request, schools, per_page=50, count=counts["total"])
    page.object_list = [
        (
            school,
            selectors.EligibilitySummary(
                eligible=bool(school.eligible_now),
                has_evaluation=school.latest_id is not None,
                items_8_9_mandatory=bool(school.items_8_9_now),
                total_average=school.latest_average,
            ),
        )
        for school in page.object_list
    ]
    return render(
        request,
        "schools/school_list.html",
        {
            "filter": filterset,
            "page": page,
            "total": counts["total"],
            "eligible_count": counts["eligible"],
        },
    )


def school_detail(request, code):
    try:
        school = selectors.school_detail(code)
    except School.DoesNotExist:
        school = None
    visible_or_404(request, "schools.view_school", school)
    eligibility = selectors.school_eligibility(school)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "eligibility": eligibility,
            "evaluations": [
                (e, selectors.eligibility_from_evaluation(e)) for e in school.evaluation_list
            ],
            "documents": documents_for(school, kind="school_profile", user=request.user),
            "can_edit": request.user.has_perm("schools.change_school", school),
            "can_request_pdf": request.user.has_perm("schools.request_profile_pdf", school),
            "panels": school_panels(request.user, school),
            **evaluation_entry(request, school),
        },
    )


def evaluation_entry(request, school) -> dict:
    """For ministry staff: the cycles in which the school's scores can be added by hand."""
    if not request.user.has_perm("schools.manage_evaluations"):
        return {"can_manage_evaluations": False}
    return {
        "can_manage_evaluations": True,
        "cycles_to_add": list(
            EvaluationCycle.objects.exclude(evaluations__school=school).order_by("-start_year")
        ),
    }


def school_create(request):
    require(request, "schools.add_school")
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_save(school=form.instance, by=request.user, is_new=True)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The school was added."))
            return redirect(school)
    return render(request, "schools/school_form.html", {"form": form})


def school_edit(request, code):
    school = get_object_or_404(School, code=code)
    visible_or_404(request, "schools.view_school", school)
    require(request, "schools.change_school", school)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_save(school=form.instance, by=request.user, is_new=False)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The school's data was saved."))
            return redirect(school)
    return render(request, "schools/school_form.html", {"form": form, "school": school})


def school_import(request):
    """The upload only keeps the file and queues its reading; the job's page follows it."""
    require(request, "schools.import_schools")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_start(
                kind=services.SCHOOLS_KIND, upload=form.cleaned_data["file"], by=request.user
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("schools:import_preview", job.pk)
    return render(
        request,
        "schools/import_upload.html",
        {
            "form": form,
            "columns": services.DIRECTORY_COLUMNS,
            "required": services.DIRECTORY_REQUIRED,
            "max_rows": services.IMPORT_MAX_ROWS,
            "recent": ImportJob.objects.filter(kind=services.SCHOOLS_KIND).select_related(
                "uploaded_by"
            )[:10],
        },
    )


def import_preview(request, pk):
    job = get_object_or_404(
        ImportJob.objects.select_related("uploaded_by"),
        pk=pk,
        kind__in=[services.SCHOOLS_KIND, services.SCORES_KIND],
    )
    if job.kind == services.SCHOOLS_KIND:
        require(request, "schools.import_schools")
        cycle, done_url = None, reverse("schools:list")
    else:
        require(request, "schools.manage_evaluations")
        if job.target_type != ContentType.objects.get_for_model(EvaluationCycle):
            raise Http404
        cycle = get_object_or_404(EvaluationCycle, pk=job.target_id)
        done_url = cycle.get_absolute_url()
    return job_page(
        request,
        job,
        template="schools/import_preview.html",
        context={
            "cycle": cycle,
            "items": list(cycle.items.order_by("number")) if cycle else [],
            "preview_template": "schools/_import_rows.html",
            "directory": job.kind == services.SCHOOLS_KIND,
        },
        can_apply=True,
        done_url=done_url,
    )


# --- Evaluation cycles ----------------------------------------------------------


def cycle_list(request):
    require(request, "schools.manage_evaluations")
    cycles = EvaluationCycle.objects.annotate(
        school_count=Count("evaluations", distinct=True), item_count=Count("items", distinct=True)
    ).order_by("-start_year", "-pk")
    return render(request, "schools/cycle_list.html", {"cycles": cycles})


def cycle_create(request):
    require(request, "schools.manage_evaluations")
    form = CycleForm(request.POST or None, initial={"items": "\n".join(EVALUATION_ITEMS)})
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(
                name=form.cleaned_data["name"],
                start_year=form.cleaned_data["start_year"],
                end_year=form.cleaned_data["end_year"],
                published_on=form.cleaned_data["published_on"],
                item_names=form.cleaned_data["items"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The evaluation cycle was created."))
            return redirect(cycle)
    return render(request, "schools/cycle_form.html", {"form": form})


def cycle_edit(request, pk):
    require(request, "schools.manage_evaluations")
    cycle = get_object_or_404(EvaluationCycle, pk=pk)
    locked = cycle.evaluations.exists()
    form = CycleForm(
        request.POST or None,
        instance=cycle,
        items_locked=locked,
        initial={"items": "\n".join(i.name for i in cycle.items.order_by("number"))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(
                cycle=form.instance,
                by=request.user,
                item_names=None if locked else form.cleaned_data["items"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The evaluation cycle was saved."))
            return redirect(cycle)
    return render(request, "schools/cycle_form.html", {"form": form, "cycle": cycle})


def cycle_detail(request, pk):
    require(request, "schools.manage_evaluations")
    cycle = get_object_or_404(EvaluationCycle, pk=pk)
    results = selectors.cycle_results(cycle)
    return render(
        request,
        "schools/cycle_detail.html",
        {
            "cycle": cycle,
            "items": list(cycle.items.order_by("number")),
            "results": results,
            "eligible_count": sum(1 for _e, el in results if el.eligible),
            "mandatory_count": sum(1 for _e, el in results if el.items_8_9_mandatory),
        },
    )


def cycle_import(request, pk):
    require(request, "schools.manage_evaluations")
    cycle = get_object_or_404(EvaluationCycle, pk=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    items = list(cycle.items.order_by("number"))
    if request.method == "POST" and form.is_valid():
        try:
            job = import_start(
                kind=services.SCORES_KIND,
                upload=form.cleaned_data["file"],
                by=request.user,
                target=cycle,
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("schools:import_preview", job.pk)
    return render(
        request,
        "schools/import_upload.html",
        {
            "form": form,
            "cycle": cycle,
            "columns": ["代碼", "學校名稱", *[i.name for i in items], "總平均"],
            "required": ["代碼", *[i.name for i in items]],
            "max_rows": services.IMPORT_MAX_ROWS,
            "recent": ImportJob.objects.filter(
                kind=services.SCORES_KIND,
                target_type=ContentType.objects.get_for_model(cycle),
                target_id=cycle.pk,
            ).select_related("uploaded_by")[:10],
        },
    )


def evaluation_edit(request, pk, code):
    require(request, "schools.manage_evaluations")
    cycle = get_object_or_404(EvaluationCycle, pk=pk)
    school = get_object_or_404(School, code=code)
    items = list(cycle.items.order_by("number"))
    evaluation = cycle.evaluations.filter(school=school).prefetch_related("scores__item").first()
    initial = {s.item.number: s.score for s in evaluation.scores.all()} if evaluation else {}
    form = ScoresForm(
        request.POST or None, items=items, initial_scores=initial, correcting=bool(evaluation)
    )
    back_to_school = request.GET.get("from") == "school"
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_set_scores(
                cycle=cycle,
                school=school,
                scores=form.scores(),
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The scores of %(school)s were saved.") % {"school": school.name}
            )
            return redirect(school if back_to_school else cycle)
    return render(
        request,
        "schools/evaluation_form.html",
        {
            "form": form,
            "cycle": cycle,
            "school": school,
            "evaluation": evaluation,
            "back_to_school": back_to_school,
        },
    )


@require_POST
def school_profile_pdf(request, code):
    from portal.documents.services import document_request

    school = get_object_or_404(School, code=code)
    visible_or_404(request, "schools.view_school", school)
    require(request, "schools.request_profile_pdf", school)
    with transaction.atomic():
        document = document_request(kind="school_profile", target=school, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)
