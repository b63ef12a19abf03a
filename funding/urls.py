from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("budget/", views.budget, name="budget"),
    path("budget/export.xlsx", views.budget_export, name="budget_export"),
    path("budget/<int:year>/", views.envelope_edit, name="envelope_edit"),
]
