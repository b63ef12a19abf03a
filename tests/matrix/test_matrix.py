"""The authorisation matrix: every URL pattern of every app, requested as every role.

The patterns come from Django's URL resolver (``patterns.py``), so a page added anywhere is in
the matrix without being listed; each must have a declared access (``access.py``) and a real
object of school A for each of its parameters (``params.py``, from the world of
``world.py``). Then:

- GET as every role: a role the page declares gets it (200, or a redirect); any other role is
  refused with 403 or 404, and the anonymous visitor is sent to the login page (a POST-only
  action answers 405 to every GET);
- POST as every role not declared to submit it: nothing in the database changes (a checksum
  of every row of every table but the session's, django-axes' and the reminders' log), and
  the answer serves nothing a GET would not: no 200 to a role that may not open the page, no
  server error.

Every request runs in a transaction rolled back after it, so the world is built once and
every request sees it as built.
"""

from __future__ import annotations

import logging
import os

import pytest
from django.urls import reverse

from tests.matrix import harness, params
from tests.matrix.access import ACCESS, NAMES_EVERY_SCHOOL, STRANGERS
from tests.matrix.patterns import EXCLUDED_NAMES, EXCLUDED_PREFIXES, all_patterns, unnamed
from tests.matrix.world import ROLES, build_world

REFUSED = (403, 404)
LOGIN_URL = "/accounts/login/"


def _listing(problems, limit=80):
    shown = "\n".join(problems[:limit])
    more = f"\n… and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s):\n{shown}{more}"


def test_every_url_pattern_has_a_declared_access_and_a_builder():
    """A new page fails here until it says who may use it and how to build its parameters."""
    patterns = all_patterns()
    problems = [
        f"unnamed URL pattern {p.route}: name it so it can be declared" for p in unnamed(patterns)
    ]
    names = {p.name for p in patterns}
    for pattern in patterns:
        if pattern.name and pattern.name not in ACCESS:
            problems.append(
                f"page with no declared access: {pattern} (add it to tests/matrix/access.py)"
            )
        for kwarg in pattern.kwargs:
            try:
                params.builder_for(pattern.name, kwarg)
            except params.MissingBuilder as missing:
                problems.append(str(missing))
    for name in sorted({declared.split("[")[0] for declared in ACCESS} - names):
        problems.append(f"declared access for a page that no longer exists: {name}")
    assert not problems, _listing(problems)


def test_exclusions_are_few_and_explained():
    assert set(EXCLUDED_PREFIXES) == {"admin/", "static/"}
    assert set(EXCLUDED_NAMES) == {"set_language"}
    assert all(reason.strip() for reason in [*EXCLUDED_PREFIXES.values(), *EXCLUDED_NAMES.values()])


def _get_problem(name, role, access, outcome):
    status = outcome.status
    if outcome.error:
        return f"GET {name} as {role}: server error {outcome.error}"
    if access.post_only:
        if status == 405 or (role == "anonymous" and _to_login(outcome)):
            return None
        return f"GET {name} as {role}: {status}, but the action is POST-only (405 expected)"
    if role in access.get:
        if status in REFUSED or status >= 500 or _to_login(outcome):
            return f"GET {name} as {role}: refused with {status}, but the page declares {role}"
        return None
    if status in REFUSED or (role == "anonymous" and _to_login(outcome)):
        return None
    where = f" → {outcome.location}" if outcome.location else ""
    return f"GET {name} as {role}: {status}{where}, but {role} is not declared for this page"


def _post_problem(name, role, access, outcome):
    if outcome.changed:
        return (
            f"POST {name} as {role}: changed {', '.join(outcome.changed)} (not declared to submit)"
        )
    if outcome.error or outcome.status >= 500:
        return f"POST {name} as {role}: server error {outcome.error}"
    if role == "anonymous":
        if outcome.status in (*REFUSED, 405) or _to_login(outcome):
            return None
        return f"POST {name} as anonymous: {outcome.status}, not sent to the login page"
    if outcome.status == 200 and role not in access.get:
        return f"POST {name} as {role}: 200, a page {role} may not open"
    return None


def _to_login(outcome):
    return outcome.status == 302 and outcome.location.startswith(LOGIN_URL)


@pytest.mark.django_db
def test_authorisation_matrix_every_pattern_every_role(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions refreshed once stay so for the whole run (see ``harness.clients_for``).
    settings.SESSION_REFRESH_SECONDS = 24 * 60 * 60
    # Refusals are the point here: keep Django's "Forbidden" warnings out of the log.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR + 10)
    try:
        report = run_matrix()
    finally:
        request_log.setLevel(level)
    if not os.environ.get("MATRIX_PATTERNS"):
        assert report.patterns >= 200, f"only {report.patterns} URL patterns found"
    assert not report.problems, _listing(report.problems)


class Report:
    def __init__(self):
        self.problems: list[str] = []
        self.patterns = 0
        self.requests = 0


def run_matrix() -> Report:
    report = Report()
    world = build_world()
    clients = harness.clients_for(world, ROLES)
    tables = harness.watched_tables()
    baseline = harness.fingerprint(tables)
    school_a = world.objects["school_a"]
    ctx = {
        "clients": clients,
        "tables": tables,
        "baseline": baseline,
        "names_of_a": (school_a.name, school_a.code),
    }
    # MATRIX_PATTERNS=applications:,review:plan narrows a run to the names starting so (while
    # working on a few pages); the suite runs them all.
    only = tuple(filter(None, os.environ.get("MATRIX_PATTERNS", "").split(",")))
    for pattern in all_patterns():
        if only and not pattern.name.startswith(only):
            continue
        if pattern.name not in ACCESS:
            report.problems.append(f"page with no declared access: {pattern}")
            continue
        try:
            variants = params.variants_for(pattern, world)
        except params.MissingBuilder as missing:
            report.problems.append(str(missing))
            continue
        report.patterns += 1
        for label, kwargs in variants:
            name = f"{pattern.name}[{label}]" if label else pattern.name
            access = ACCESS.get(name, ACCESS[pattern.name])
            request_as_every_role(report, name, reverse(pattern.name, kwargs=kwargs), access, ctx)
    print(
        f"authorisation matrix: {report.patterns} URL patterns, {report.requests} requests, "
        f"{harness.FINGERPRINTS['taken']} database fingerprints after a write"
    )
    return report


def request_as_every_role(report, name, url, access, ctx):
    clients = ctx["clients"]
    for role in ROLES:
        look_for = ctx["names_of_a"] if role in STRANGERS else ()
        outcome = harness.request(clients[role], "get", url, look_for=look_for)
        report.requests += 1
        problem = _get_problem(name, role, access, outcome)
        if problem:
            report.problems.append(problem)
        if outcome.mentions and name.split("[")[0] not in NAMES_EVERY_SCHOOL:
            report.problems.append(
                f"GET {name} as {role}: the page names school A "
                f"({', '.join(outcome.mentions)}), which {role} has nothing to do with"
            )
    # What a refused role posts is what a writer's page would send: a refusal must come
    # from who asks, not from an empty form.
    writers = [r for r in ROLES if r in access.post and r in access.get]
    data = harness.form_data(clients[writers[0]], url) if writers else dict(harness.GENERIC_FIELDS)
    for role in ROLES:
        if role in access.post:
            continue
        outcome = harness.request(
            clients[role],
            "post",
            url,
            data=data,
            baseline=ctx["baseline"],
            tables=ctx["tables"],
        )
        report.requests += 1
        problem = _post_problem(name, role, access, outcome)
        if problem:
            report.problems.append(problem)
