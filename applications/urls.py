from django.urls import include, path

from . import budget_views, views

app_name = "applications"

plan_patterns = [
    path("", views.plan_detail, name="plan_detail"),
    path("read/", views.plan_read, name="plan_read"),
    path("checklist/", views.checklist, name="checklist"),
    path("actions/<slug:action>/", views.plan_action, name="plan_action"),
    path("sections/<slug:key>/", views.section_edit, name="section_edit"),
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/<int:teacher_pk>/delete/", views.teacher_delete, name="teacher_delete"),
    path("subplans/", views.subplan_list, name="subplans"),
    path("subplans/new/", views.subplan_edit, name="subplan_create"),
    path("subplans/<int:subplan_pk>/", views.subplan_edit, name="subplan_edit"),
    path("subplans/<int:subplan_pk>/delete/", views.subplan_delete, name="subplan_delete"),
    path("budget/", budget_views.budget_page, name="budget"),
    path("budget/lines/new/", budget_views.line_create, name="budget_line_create"),
    path("budget/lines/<int:line_pk>/", budget_views.line_detail, name="budget_line"),
    path("budget/lines/<int:line_pk>/delete/", budget_views.line_delete, name="budget_line_delete"),
    path("budget/export.xlsx", budget_views.budget_export, name="budget_export"),
    path("budget/import/", budget_views.budget_import, name="budget_import"),
    path("budget/import/<int:job_pk>/", budget_views.budget_import_job, name="budget_import_job"),
    path("attachments/", views.attachments, name="attachments"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"
    ),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:number>/", views.version_detail, name="version_detail"),
    path("pdf/", views.plan_pdf, name="plan_pdf"),
]

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/export.xlsx", views.plans_export, name="plans_export"),
    path("plans/money.xlsx", views.money_export, name="money_export"),
    path("plans/start/<str:code>/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/", include(plan_patterns)),
    path("briefings/", include("applications.briefing_urls")),
]
