"""The benchmark's floor pages and its query counter (loaded by bench_settings only)."""

import time

from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.shortcuts import render

ROWS = [
    {
        "n": n,
        "code": f"{193000 + n:06d}",
        "name": f"國立測試高級工業職業學校{n}",
        "amount": n * 37.5,
    }
    for n in range(1, 101)
]


@login_not_required
def floor(request):
    """The floor: a bare Django page rendering a 100-row table, no database, no layout.
    Every other page's time is read as a multiple of this one's."""
    return render(request, "bench/floor.html", {"rows": ROWS})


def floor_layout(request):
    """The same table inside the portal's layout (menu, header) for a signed-in user: what
    the layout alone costs. Shown in the table for information; the goals use the floor."""
    return render(request, "bench/floor_layout.html", {"rows": ROWS})


class QueryCountMiddleware:
    """Adds X-Query-Count (queries of the whole request) and X-Server-Time (ms)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
            # A streamed or lazily rendered body runs its queries while it is read.
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        response["X-Query-Count"] = str(count[0])
        response["X-Server-Time"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        return response
