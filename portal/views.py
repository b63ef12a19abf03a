from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .health import health
from .home import home_sections, programme_status


def home(request):
    sections = home_sections(request.user)
    return render(
        request,
        "home.html",
        {
            "sections": sections,
            "tasks": [task for section in sections for task in section.tasks],
            "has_charts": any(section.context.get("charts") for section in sections),
            **({} if sections else programme_status()),
        },
    )


@login_not_required
@never_cache
def healthz(request):
    """For load balancers and monitoring: each part's state as JSON; 503 when this web
    process cannot serve (database, Redis or file store down), see ``portal.health``."""
    report, serving = health()
    return JsonResponse(report, status=200 if serving else 503)
