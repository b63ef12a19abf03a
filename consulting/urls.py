"""Consulting and supervision; the public programme pages live under /public/."""

from django.shortcuts import redirect
from django.urls import path

from .views import advisors, boards, consultations, exchanges, inspections, public

app_name = "consulting"


def index(request):
    user = request.user
    if user.has_perm("consulting.view_boards"):
        return redirect("consulting:semester_board")
    if user.has_role("advisor"):
        return redirect("consulting:my_consultations")
    for school_id in sorted(user.school_ids()):
        from portal.schools.models import School

        return redirect("consulting:school", School.objects.get(pk=school_id).code)
    return redirect("consulting:exchange_list")


urlpatterns = [
    path("consulting/", index, name="index"),
    path("consulting/board/", boards.semester_board, name="semester_board"),
    path("consulting/exchanges/board/", boards.exchange_board, name="exchange_board"),
    path("consulting/advisors/", advisors.advisor_list, name="advisor_list"),
    path("consulting/advisors/new/", advisors.advisor_edit, name="advisor_create"),
    path("consulting/advisors/<int:pk>/", advisors.advisor_edit, name="advisor_edit"),
    path("consulting/group/", advisors.advisory_group, name="advisory_group"),
    path("consulting/group/apply/", advisors.advisory_group_apply, name="advisory_group_apply"),
    path("consulting/group/<int:pk>/remove/", advisors.assignment_remove, name="assignment_remove"),
    path("consulting/requests/", advisors.request_list, name="request_list"),
    path("consulting/requests/<int:pk>/", advisors.request_detail, name="request_detail"),
    path(
        "consulting/requests/<int:pk>/withdraw/",
        advisors.request_withdraw,
        name="request_withdraw",
    ),
    path("consulting/mine/", consultations.my_consultations, name="my_consultations"),
    path("consulting/schools/<str:code>/", consultations.school_page, name="school"),
    path("consulting/schools/<str:code>/schedule/", consultations.schedule, name="schedule"),
    path("consulting/schools/<str:code>/request/", advisors.request_create, name="request_create"),
    path(
        "consulting/schools/<str:code>/results/",
        consultations.result_publish,
        name="result_publish",
    ),
    path(
        "consulting/results/<int:pk>/withdraw/",
        consultations.result_withdraw,
        name="result_withdraw",
    ),
    path(
        "consulting/consultations/<int:pk>/",
        consultations.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consulting/consultations/<int:pk>/record/",
        consultations.consultation_record,
        name="consultation_record",
    ),
    path("consulting/consultations/<int:pk>/advice/", consultations.advice_add, name="advice_add"),
    path(
        "consulting/consultations/<int:pk>/advice/<int:advice_pk>/remove/",
        consultations.advice_remove,
        name="advice_remove",
    ),
    path(
        "consulting/consultations/<int:pk>/file/",
        consultations.consultation_file,
        name="consultation_file",
    ),
    path(
        "consulting/consultations/<int:pk>/cancel/",
        consultations.consultation_cancel,
        name="consultation_cancel",
    ),
    path("consulting/consultations/<int:pk>/pdf/", consultations.report_pdf, name="report_pdf"),
    path("consulting/advice/<int:pk>/answer/", consultations.advice_answer, name="advice_answer"),
    path("consulting/inspections/", inspections.inspection_list, name="inspection_list"),
    path("consulting/inspections/new/", inspections.inspection_create, name="inspection_create"),
    path(
        "consulting/inspections/<int:pk>/",
        inspections.inspection_detail,
        name="inspection_detail",
    ),
    path("consulting/inspections/<int:pk>/problems/", inspections.problem_add, name="problem_add"),
    path(
        "consulting/problems/<int:pk>/respond/",
        consultations.problem_respond,
        name="problem_respond",
    ),
    path(
        "consulting/problems/<int:pk>/<str:action>/",
        inspections.problem_action,
        name="problem_action",
    ),
    path("consulting/exchanges/", exchanges.exchange_list, name="exchange_list"),
    path("consulting/exchanges/new/", exchanges.exchange_create, name="exchange_create"),
    path("consulting/exchanges/<int:pk>/", exchanges.exchange_detail, name="exchange_detail"),
    path(
        "consulting/exchanges/<int:pk>/register/<int:school_pk>/",
        exchanges.exchange_register,
        name="exchange_register",
    ),
    path(
        "consulting/exchanges/<int:pk>/record/", exchanges.exchange_record, name="exchange_record"
    ),
    path("consulting/exchanges/<int:pk>/photos/", exchanges.photo_add, name="photo_add"),
    path(
        "consulting/exchanges/<int:pk>/cancel/", exchanges.exchange_cancel, name="exchange_cancel"
    ),
    path("consulting/photos/<int:pk>/", exchanges.photo, name="photo"),
    path("public/programme/", public.public_index, name="public_index"),
    path("public/programme/<str:code>/", public.public_school, name="public_school"),
    path("public/programme/photos/<int:pk>/", public.public_photo, name="public_photo"),
]
