"""The indicator pages: the catalogue and the plan's targets here; the yearly values' pages
are appended from ``indicators.values.urls``."""

from django.urls import path  # noqa: F401

app_name = "indicators"

urlpatterns: list = []
