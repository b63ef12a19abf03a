"""The portal's URLs and the benchmark's floor pages (bench servers only)."""

import bench_app
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/floor/", bench_app.floor, name="bench_floor"),
    path("bench/floor-layout/", bench_app.floor_layout, name="bench_floor_layout"),
    *portal_urlpatterns,
]
