"""Briefing sessions (APP-1), under /briefings/ in the ``applications`` namespace."""

from django.urls import path

from . import briefing_views as views

urlpatterns = [
    path("", views.briefing_list, name="briefing_list"),
    path("new/", views.briefing_edit, name="briefing_create"),
    path("<int:pk>/", views.briefing_detail, name="briefing_detail"),
    path("<int:pk>/edit/", views.briefing_edit, name="briefing_edit"),
    path("<int:pk>/cancel/", views.briefing_cancel, name="briefing_cancel"),
    path("<int:pk>/register/<str:code>/", views.briefing_register, name="briefing_register"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.briefing_unregister,
        name="briefing_unregister",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/change/",
        views.briefing_registration_change,
        name="briefing_registration_change",
    ),
    path("<int:pk>/registrations/", views.briefing_registrations, name="briefing_registrations"),
    path("<int:pk>/registrations.xlsx", views.briefing_export, name="briefing_export"),
]
