"""The indicator pages: the catalogue and the plan's targets here; the yearly values' pages
are appended from ``indicators.values.urls``."""

from django.urls import path

from .views import catalogue, targets

app_name = "indicators"

C = "indicators/catalogue/"
T = "plans/<int:pk>/indicators/"

urlpatterns: list = [
    path(C, catalogue.catalogue, name="catalogue"),
    path(f"{C}compare/", catalogue.compare, name="compare"),
    path(f"{C}versions/", catalogue.versions, name="versions"),
    path(f"{C}versions/<int:pk>/", catalogue.version_edit, name="version_edit"),
    path(f"{C}versions/<int:pk>/publish/", catalogue.version_publish_view, name="version_publish"),
    path(f"{C}versions/<int:pk>/add/", catalogue.indicator_edit, name="indicator_add"),
    path(
        f"{C}versions/<int:pk>/indicators/<int:indicator_pk>/",
        catalogue.indicator_edit,
        name="indicator_edit",
    ),
    path(
        f"{C}versions/<int:pk>/indicators/<int:indicator_pk>/retire/",
        catalogue.indicator_retire_view,
        name="indicator_retire",
    ),
    path(T, targets.plan_targets, name="plan_targets"),
    path(f"{T}versions/<int:number>/", targets.frozen_version, name="frozen_targets"),
    path(f"{T}<int:indicator_pk>/", targets.target_edit, name="target_edit"),
    path(f"{T}own/", targets.own_edit, name="own_add"),
    path(f"{T}own/<int:indicator_pk>/", targets.own_edit, name="own_edit"),
    path(f"{T}own/<int:indicator_pk>/remove/", targets.own_remove, name="own_remove"),
    path(f"{T}items/<int:item>/qualitative/", targets.qualitative_edit, name="qualitative_edit"),
]

from .values.urls import urlpatterns as values_urlpatterns  # noqa: E402

urlpatterns += values_urlpatterns
