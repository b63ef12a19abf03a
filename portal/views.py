from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .home import home_sections, programme_status


def home(request):
    sections = home_sections(request.user)
    return render(
        request,
        "home.html",
        {
            "sections": sections,
            "tasks": [task for section in sections for task in section.tasks],
            **({} if sections else programme_status()),
        },
    )


@login_not_required
@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
