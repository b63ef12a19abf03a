"""The pages of each year's values, appended to ``indicators/urls.py`` (namespace
``indicators``). Fixed paths come before ``<code>`` so that none is read as a school code."""

from django.urls import path

from . import board_views, views

P = "indicators/values/"

urlpatterns = [
    path(P, views.values_home, name="values_home"),
    # The ministry's pages.
    path(f"{P}windows/", board_views.windows, name="values_windows"),
    path(f"{P}board/", board_views.board, name="values_board"),
    path(f"{P}board/<int:year>/", board_views.board, name="values_board_year"),
    path(f"{P}board/<int:year>/remind/", board_views.remind, name="values_remind"),
    path(f"{P}national/", board_views.national, name="values_national"),
    path(f"{P}national/export/", board_views.export_start, name="values_export_start"),
    path(f"{P}exports/<int:pk>/", board_views.export_detail, name="values_export"),
    path(f"{P}exports/<int:pk>/status/", board_views.export_status, name="values_export_status"),
    path(
        f"{P}exports/<int:pk>/download/", board_views.export_download, name="values_export_download"
    ),
    path(f"{P}spread/", board_views.spread, name="values_spread"),
    path(f"{P}map/", board_views.attainment_map, name="values_map"),
    path(f"{P}evidence/<int:pk>/", views.evidence_download, name="values_evidence"),
    path(f"{P}evidence/<int:pk>/remove/", views.evidence_remove, name="values_evidence_remove"),
    # A school's pages.
    path(f"{P}school/<str:code>/", views.values_school, name="values_school"),
    path(f"{P}school/<str:code>/export/", views.school_export, name="values_school_export"),
    path(f"{P}school/<str:code>/charts/", views.school_charts, name="values_charts"),
    path(f"{P}school/<str:code>/<int:year>/", views.report_page, name="values_report"),
    path(
        f"{P}school/<str:code>/<int:year>/template/",
        views.template_download,
        name="values_template",
    ),
    path(f"{P}school/<str:code>/<int:year>/upload/", views.upload, name="values_upload"),
    path(
        f"{P}school/<str:code>/<int:year>/upload/<int:pk>/",
        views.upload_preview,
        name="values_upload_preview",
    ),
    path(
        f"{P}school/<str:code>/<int:year>/action/<str:action>/",
        views.report_action,
        name="values_action",
    ),
    path(
        f"{P}school/<str:code>/<int:year>/value/<int:pk>/",
        views.value_detail,
        name="values_value",
    ),
    path(
        f"{P}school/<str:code>/<int:year>/value/<int:pk>/save/",
        views.value_save,
        name="values_value_save",
    ),
]
