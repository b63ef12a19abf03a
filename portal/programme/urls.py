from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.programme_calendar, name="calendar"),
    path("phases/new/", views.phase_edit, name="phase_create"),
    path("phases/<int:pk>/", views.phase_edit, name="phase_edit"),
    path("windows/new/", views.window_edit, name="window_create"),
    path("windows/<int:pk>/", views.window_edit, name="window_edit"),
]
