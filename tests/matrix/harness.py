"""Request a URL as a role inside a transaction that is rolled back, and fingerprint the
database to prove a refused POST changed nothing."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

#: Tables a refused request may legitimately write: the session (refreshed on a page view),
#: django-axes' login records, and the reminders' send log.
UNWATCHED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
    "reminders_reminderlog",
}


def watched_tables() -> list[str]:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and table not in UNWATCHED_TABLES and table not in tables:
            tables.append(table)
    return sorted(tables)


def fingerprint(tables) -> dict[str, str]:
    """A checksum of every row of every watched table (with its row count)."""
    prints = {}
    with connection.cursor() as cursor:
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            prints[table] = f"{len(rows)}:{digest}"
    return prints


def changes_counter():
    """SQLite counts every row written on the connection: an unchanged count proves that
    nothing was written, without reading every table. Other databases have no such counter."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


@dataclass
class Outcome:
    status: int
    location: str = ""
    error: str = ""
    changed: tuple[str, ...] = ()


def clients_for(world, roles) -> dict[str, Client]:
    clients = {}
    for role in roles:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        clients[role] = client
    return clients


def request(client, method, url, *, baseline=None, tables=None) -> Outcome:
    """One request, rolled back afterwards; with ``baseline``, the tables that changed."""
    outcome = None
    # The session cookie as it was: a request that logs out or rotates the session (rolled
    # back in the database) must not leave the next request logged out.
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        before = changes_counter()
        try:
            response = client.post(url, {}) if method == "post" else client.get(url)
            outcome = Outcome(response.status_code, response.get("Location", ""))
        except Exception as exc:  # a crash is a finding of its own
            outcome = Outcome(500, error=f"{type(exc).__name__}: {exc}"[:300])
        broken = connection.needs_rollback
        if broken:
            # A database error inside the request: nothing of it can be committed.
            pass
        elif baseline is not None and (before is None or changes_counter() != before):
            after = fingerprint(tables)
            outcome.changed = tuple(t for t in tables if after[t] != baseline[t])
        transaction.set_rollback(True)
    client.cookies = cookies
    cache.clear()
    return outcome
