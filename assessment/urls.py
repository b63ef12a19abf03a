from django.urls import path

from .views import outcome, panel, report

app_name = "assessment"

urlpatterns = [
    path("assessment/", report.home, name="home"),
    path("assessment/reports/start/", report.report_start, name="report_start"),
    path("assessment/reports/<int:pk>/", report.report_detail, name="report_detail"),
    path("assessment/reports/<int:pk>/edit/", report.report_edit, name="report_edit"),
    path("assessment/reports/<int:pk>/summary/", report.report_summary, name="report_summary"),
    path(
        "assessment/reports/<int:pk>/parts/<str:kind>/<int:part_pk>/",
        report.report_part,
        name="report_part",
    ),
    path("assessment/reports/<int:pk>/files/", report.attachment_add, name="attachment_add"),
    path(
        "assessment/reports/<int:pk>/files/<int:attachment_pk>/",
        report.attachment_download,
        name="attachment_download",
    ),
    path(
        "assessment/reports/<int:pk>/files/<int:attachment_pk>/remove/",
        report.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "assessment/reports/<int:pk>/versions/<int:number>/",
        report.version_detail,
        name="version_detail",
    ),
    path(
        "assessment/reports/<int:pk>/do/<str:action>/", report.report_action, name="report_action"
    ),
    path("assessment/reports/<int:pk>/pdf/", report.report_pdf, name="report_pdf"),
    path("assessment/panels/", panel.panel_list, name="panel_list"),
    path("assessment/panels/<int:pk>/", panel.panel_detail, name="panel_detail"),
    path(
        "assessment/members/<int:pk>/conflicts/",
        panel.member_conflicts,
        name="member_conflicts",
    ),
    path("assessment/assignments/<int:pk>/", panel.assignment_detail, name="assignment"),
    path("assessment/visits/<int:pk>/", panel.visit_manage, name="visit_manage"),
    path("assessment/visits/<int:pk>/record/", panel.visit_record, name="visit_record"),
    path(
        "assessment/recommendations/<int:pk>/answer/",
        panel.recommendation_answer,
        name="recommendation_answer",
    ),
    path(
        "assessment/outcomes/decide/<int:plan_pk>/<int:year>/",
        outcome.outcome_decide,
        name="outcome_decide",
    ),
    path("assessment/outcomes/<int:pk>/", outcome.outcome_detail, name="outcome_detail"),
    path("assessment/outcomes/<int:pk>/notice/", outcome.outcome_notice, name="outcome_notice"),
    path("assessment/conditions/<int:pk>/met/", outcome.condition_met, name="condition_met"),
    path("assessment/board/", outcome.board, name="board"),
    path("assessment/settings/", outcome.settings_page, name="settings"),
    path("assessment/schools/<str:code>/", outcome.school_timeline, name="timeline"),
    path("assessment/nominations/", outcome.nominations, name="nominations"),
    path(
        "assessment/nominations/<int:pk>/status/",
        outcome.nomination_status,
        name="nomination_status",
    ),
    path(
        "assessment/nominations/<int:pk>/evidence/",
        outcome.nomination_evidence,
        name="nomination_evidence",
    ),
]
