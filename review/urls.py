from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("review/", views.index, name="index"),
    path("review/my/", views.my_reviews, name="my"),
    path("review/committees/new/", views.committee_create, name="committee_create"),
    path("review/committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("review/committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("review/committees/<int:pk>/members/add/", views.member_add, name="member_add"),
    path(
        "review/committees/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("review/committees/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("review/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("review/rounds/<int:pk>/settings/", views.round_settings, name="round_settings"),
    path("review/rounds/<int:pk>/rubric/", views.rubric, name="rubric"),
    path(
        "review/rounds/<int:pk>/rubric/<int:criterion_pk>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "review/rounds/<int:pk>/rubric/<int:criterion_pk>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path("review/rounds/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("review/rounds/<int:pk>/assignments/auto/", views.assign_auto, name="assign_auto"),
    path("review/rounds/<int:pk>/assignments/add/", views.assign_add, name="assign_add"),
    path(
        "review/rounds/<int:pk>/assignments/<int:plan_pk>/choose/",
        views.assign_choose,
        name="assign_choose",
    ),
    path("review/rounds/<int:pk>/progress/", views.progress, name="progress"),
    path("review/rounds/<int:pk>/remind/", views.remind, name="remind"),
    path("review/rounds/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("review/rounds/<int:pk>/leave-out/", views.leave_out, name="leave_out"),
    path("review/rounds/<int:pk>/take-back/", views.take_back, name="take_back"),
    path("review/rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("review/rounds/<int:pk>/export.xlsx", views.export, name="export"),
    path("review/rounds/<int:pk>/summary-pdf/", views.summary_pdf, name="summary_pdf"),
    path("review/rounds/<int:pk>/visits/", views.visits, name="visits"),
    path("review/rounds/<int:pk>/visits/<int:plan_pk>/", views.visit_edit, name="visit_edit"),
    path("review/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("review/plans/<int:plan_pk>/", views.plan_review, name="plan_review"),
    path(
        "review/plans/<int:plan_pk>/rounds/<int:round_pk>/comment/",
        views.comment_save,
        name="comment_save",
    ),
    path("review/plans/<int:plan_pk>/decide/", views.decide, name="decide"),
    path("review/plans/<int:plan_pk>/notice/", views.notice_pdf, name="notice_pdf"),
    path("review/reviews/<int:pk>/reopen/", views.review_reopen, name="review_reopen"),
    path("review/assignments/<int:pk>/", views.assignment, name="assignment"),
    path("review/assignments/<int:pk>/plan/", views.assignment_plan, name="assignment_plan"),
    path("review/assignments/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("review/assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("review/assignments/<int:pk>/recuse/", views.assignment_recuse, name="assignment_recuse"),
    path("review/assignments/<int:pk>/sheet-pdf/", views.sheet_pdf, name="sheet_pdf"),
]
