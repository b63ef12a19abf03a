"""Settings of the benchmark's servers only: the portal's own settings, plus the floor pages
and a query counter. Production never loads this module (it is not in a package the portal
imports; ``make bench`` puts scripts/bench on the path and names it explicitly), so the
floor and the X-Query-Count header cannot be reached in production.
"""

from pathlib import Path

from portal.settings import *  # noqa: F403
from portal.settings import MIDDLEWARE, TEMPLATES

BENCH_DIR = Path(__file__).resolve().parent

ROOT_URLCONF = "bench_urls"
# First, so that it counts every query of the request, the session's included.
MIDDLEWARE = ["bench_app.QueryCountMiddleware", *MIDDLEWARE]
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BENCH_DIR / "templates"]},
    *TEMPLATES[1:],
]
