from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("schools/", views.school_list, name="list"),
    path("schools/new/", views.school_create, name="create"),
    path("schools/import/", views.school_import, name="import"),
    path("schools/<str:code>/", views.school_detail, name="detail"),
    path("schools/<str:code>/edit/", views.school_edit, name="edit"),
    path("schools/<str:code>/profile.pdf", views.school_profile_pdf, name="profile_pdf"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("evaluations/", views.cycle_list, name="cycle_list"),
    path("evaluations/new/", views.cycle_create, name="cycle_create"),
    path("evaluations/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("evaluations/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("evaluations/<int:pk>/import/", views.cycle_import, name="cycle_import"),
    path("evaluations/<int:pk>/schools/<str:code>/", views.evaluation_edit, name="evaluation_edit"),
]
