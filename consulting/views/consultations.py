"""Pages of consultations (SUP-3, SUP-4): the school's consulting page, scheduling,
recording, advice, filing the report and the school's answers."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import SubPlan
from portal.access import require, visible_or_404
from portal.documents.selectors import documents_for
from portal.documents.services import document_request
from portal.programme import calendar

from .. import selectors, services
from ..enums import OPEN_ADVICE, ConsultationStatus, ProblemStatus
from ..forms import (
    AdviceForm,
    AnswerForm,
    ReasonForm,
    RecordForm,
    RespondForm,
    ResultForm,
    ScheduleForm,
)
from ..models import (
    Advice,
    AdviceAnswer,
    Consultation,
    InspectionProblem,
    PublishedResult,
    SchoolRequest,
)
from ..reports import CONSULTING_REPORT
from ..supported import plan_in_force
from .common import get_school, run


def _consultation(request, pk) -> Consultation:
    consultation = (
        Consultation.objects.select_related("school__district", "advisor", "request")
        .filter(pk=pk)
        .first()
    )
    visible_or_404(request, "consulting.view_consultation", consultation)
    return consultation


def school_page(request, code):
    """A school's consulting page: its consultations, the advice to answer, its requests,
    the inspectors' problems and what it publishes."""
    school = get_school(request, code)
    user = request.user
    consultations = Consultation.objects.filter(school=school).select_related("advisor")
    if not (user.has_role("ministry") or school.pk in user.school_ids()):
        consultations = consultations.filter(advisor=user)
    open_advice = list(
        Advice.objects.filter(
            school=school,
            status__in=OPEN_ADVICE,
            consultation__status=ConsultationStatus.FILED,
        )
        .select_related("consultation")
        .order_by("consultation__date", "order")
    )
    is_staff = school.pk in user.school_ids()
    problems = []
    if is_staff or user.has_role("ministry"):
        problems = list(
            InspectionProblem.objects.filter(school=school)
            .exclude(status=ProblemStatus.RESOLVED)
            .select_related("inspection")
        )
    year = calendar.AcademicYear.current().roc
    plan = plan_in_force(school, year)
    return render(
        request,
        "consulting/school.html",
        {
            "school": school,
            "consultations": list(consultations.order_by("-date", "-pk")),
            "open_advice": open_advice,
            "answer_form": AnswerForm(),
            "is_staff": is_staff,
            "can_schedule": user.has_perm("consulting.schedule", school),
            "can_request": user.has_perm("consulting.request_help", school),
            "requests": list(SchoolRequest.objects.filter(school=school).select_related("advisor"))
            if (is_staff or user.has_role("ministry"))
            else [],
            "problems": problems,
            "respond_form": RespondForm(),
            "results": list(PublishedResult.objects.filter(school=school, withdrawn_at=None)),
            "result_form": ResultForm(initial={"academic_year": year}) if is_staff else None,
            "plan": plan,
            "staffing": {
                "plan": plan,
                "cooperation": selectors.cooperation_of(plan) if plan else [],
                "teachers": list(plan.teachers.all()) if plan else [],
            },
            "semester": calendar.Semester.current(),
        },
    )


def schedule(request, code):
    school = get_school(request, code)
    require(request, "consulting.schedule", school)
    request_obj = None
    if request.GET.get("request"):
        request_obj = SchoolRequest.objects.filter(
            pk=request.GET["request"], school=school, advisor=request.user
        ).first()
    form = ScheduleForm(request.POST or None, initial={"mode": "on_site", "place": school.name})
    if request.method == "POST" and form.is_valid():
        response = run(
            request,
            lambda: services.consultation_schedule(
                school=school, by=request.user, request=request_obj, **form.cleaned_data
            ),
            _("The consultation is scheduled; the school was told by e-mail."),
            lambda c: c.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(
        request,
        "consulting/schedule.html",
        {"school": school, "form": form, "school_request": request_obj},
    )


def my_consultations(request):
    require(request, "consulting.advise")
    return render(request, "consulting/mine.html", selectors.advisor_home(request.user))


def consultation_detail(request, pk):
    consultation = _consultation(request, pk)
    user = request.user
    is_advisor = consultation.advisor_id == user.pk
    is_staff = consultation.school_id in user.school_ids()
    advice = list(
        consultation.advice.prefetch_related(
            Prefetch("answers", queryset=AdviceAnswer.objects.select_related("by"))
        )
    )
    carried = (
        list(consultation.carried_advice.select_related("consultation"))
        if consultation.is_filed
        else list(services.open_advice_before(consultation))
    )
    can_report = user.has_perm("consulting.view_report", consultation)
    return render(
        request,
        "consulting/consultation_detail.html",
        {
            "consultation": consultation,
            "advice": advice,
            "carried": carried,
            "is_advisor": is_advisor,
            "is_staff": is_staff,
            "editable": is_advisor
            and consultation.status in (ConsultationStatus.SCHEDULED, ConsultationStatus.HELD),
            "advice_form": AdviceForm(),
            "answer_form": AnswerForm(),
            "cancel_form": ReasonForm(),
            "subplans": list(consultation.subplans.all()),
            "documents": documents_for(consultation, kind=CONSULTING_REPORT.key, user=user)
            if can_report and consultation.is_filed
            else [],
            "can_report": can_report,
        },
    )


def consultation_record(request, pk):
    consultation = _consultation(request, pk)
    require(request, "consulting.record_consultation", consultation)
    if consultation.status not in (ConsultationStatus.SCHEDULED, ConsultationStatus.HELD):
        return redirect(consultation)
    plan = plan_in_force(consultation.school, consultation.academic_year)
    subplans = SubPlan.objects.filter(plan=plan) if plan else SubPlan.objects.none()
    initial = {
        "date": min(consultation.date, calendar.taipei_today()),
        "mode": consultation.mode,
        "place": consultation.place,
        "online_url": consultation.online_url,
        "attendees": consultation.attendees,
        "principal_attended": consultation.principal_attended,
        "items": consultation.item_numbers,
        "subplans": list(consultation.subplans.all()),
        "summary": consultation.summary,
        "follow_up": consultation.follow_up,
        "is_special_case": consultation.is_special_case,
        "special_case_note": consultation.special_case_note,
    }
    form = RecordForm(request.POST or None, initial=initial, subplans=subplans)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        chosen = values.pop("subplans")
        response = run(
            request,
            lambda: services.consultation_record(
                consultation=consultation, values=values, subplans=chosen, by=request.user
            ),
            _("Saved. Add the advice per item, then file the report."),
            lambda c: c.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(
        request,
        "consulting/record.html",
        {"consultation": consultation, "form": form, "plan": plan},
    )


@require_POST
def advice_add(request, pk):
    consultation = _consultation(request, pk)
    require(request, "consulting.record_consultation", consultation)
    form = AdviceForm(request.POST)
    if not form.is_valid():
        from django.contrib import messages

        messages.error(request, _("Write both the finding and the advice."))
        return redirect(consultation)
    return run(
        request,
        lambda: services.advice_add(
            consultation=consultation, by=request.user, **form.cleaned_data
        ),
        _("The advice was added."),
        consultation.get_absolute_url(),
    )


@require_POST
def advice_remove(request, pk, advice_pk):
    consultation = _consultation(request, pk)
    require(request, "consulting.record_consultation", consultation)
    advice = get_object_or_404(Advice, pk=advice_pk, consultation=consultation)
    return run(
        request,
        lambda: services.advice_remove(advice=advice, by=request.user),
        _("The advice was removed."),
        consultation.get_absolute_url(),
    )


@require_POST
def consultation_file(request, pk):
    consultation = _consultation(request, pk)
    require(request, "consulting.record_consultation", consultation)
    return run(
        request,
        lambda: services.consultation_file(consultation=consultation, by=request.user),
        _("The report is filed; its PDF is being made and the school was asked to answer."),
        consultation.get_absolute_url(),
    )


@require_POST
def consultation_cancel(request, pk):
    consultation = _consultation(request, pk)
    require(request, "consulting.record_consultation", consultation)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    return run(
        request,
        lambda: services.consultation_cancel(
            consultation=consultation, reason=reason, by=request.user
        ),
        _("The consultation was cancelled; the school was told."),
        consultation.get_absolute_url(),
    )


@require_POST
def report_pdf(request, pk):
    consultation = _consultation(request, pk)
    require(request, "consulting.view_report", consultation)
    if not consultation.is_filed:
        return redirect(consultation)
    document = document_request(kind=CONSULTING_REPORT.key, target=consultation, by=request.user)
    return redirect(document)


@require_POST
def advice_answer(request, pk):
    advice = get_object_or_404(Advice.objects.select_related("consultation", "school"), pk=pk)
    visible_or_404(request, "consulting.view_consultation", advice.consultation)
    require(request, "consulting.answer_advice", advice.school)
    form = AnswerForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = advice.consultation.get_absolute_url()
    if not form.is_valid():
        from django.contrib import messages

        messages.error(request, _("Say what the school did about this advice."))
        return redirect(back)
    return run(
        request,
        lambda: services.advice_answer(advice=advice, by=request.user, **form.cleaned_data),
        _("Your answer was saved."),
        back,
    )


@require_POST
def problem_respond(request, pk):
    problem = get_object_or_404(InspectionProblem.objects.select_related("school"), pk=pk)
    visible_or_404(request, "consulting.view_inspection", problem)
    require(request, "consulting.respond_problem", problem)
    return run(
        request,
        lambda: services.problem_respond(
            problem=problem, text=request.POST.get("text", ""), by=request.user
        ),
        _("Your response was sent to the inspector."),
        problem.get_absolute_url(),
    )


@require_POST
def result_publish(request, code):
    school = get_school(request, code, "consulting.publish_results")
    form = ResultForm(request.POST)
    back = f"{school_url(school)}#results"
    if not form.is_valid():
        from django.contrib import messages

        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    return run(
        request,
        lambda: services.result_publish(school=school, by=request.user, **form.cleaned_data),
        _("Published on the school's public programme page."),
        back,
    )


@require_POST
def result_withdraw(request, pk):
    result = get_object_or_404(PublishedResult.objects.select_related("school"), pk=pk)
    visible_or_404(request, "consulting.publish_results", result)
    return run(
        request,
        lambda: services.result_withdraw(result=result, by=request.user),
        _("Withdrawn from the public page."),
        f"{school_url(result.school)}#results",
    )


def school_url(school) -> str:
    from django.urls import reverse

    return reverse("consulting:school", args=[school.code])
