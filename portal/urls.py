from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from portal.accounts.urls import auth_urlpatterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("portal.accounts.urls")),
    path("", include("portal.schools.urls")),
    path("", include("applications.urls")),
    path("", include("review.urls")),
    path("", include("indicators.urls")),
    path("", include("assessment.urls")),
    path("", include("funding.urls")),
    path("", include("consulting.urls")),
    path("programme/", include("portal.programme.urls")),
    path("audit/", include("portal.audit.urls")),
    path("documents/", include("portal.documents.urls")),
    path("reminders/", include("portal.reminders.urls")),
    path("admin/", admin.site.urls),
]
