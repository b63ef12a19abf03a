"""Request a URL as a role inside a transaction that is rolled back, and fingerprint the
database to prove a refused POST changed nothing."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
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


FINGERPRINTS = {"taken": 0}


def fingerprint(tables) -> dict[str, str]:
    """A checksum of every row of every watched table (with its row count)."""
    FINGERPRINTS["taken"] += 1
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
    """How many rows this connection has written so far: an unchanged count proves that
    nothing was written, without reading every table. SQLite counts them for the connection,
    PostgreSQL for the transaction; elsewhere there is no counter (every table is read)."""
    if connection.vendor == "sqlite":
        query = "SELECT total_changes()"
    elif connection.vendor == "postgresql":
        query = (
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_all_tables"
        )
    else:
        return None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


@dataclass
class Outcome:
    status: int
    location: str = ""
    error: str = ""
    changed: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()


def clients_for(world, roles) -> dict[str, Client]:
    clients = {}
    for role in roles:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
            # One page view outside the rolled-back requests marks the session refreshed, so
            # that the requests after it write nothing to the session store.
            client.get("/")
        clients[role] = client
    return clients


def request(client, method, url, *, data=None, baseline=None, tables=None, look_for=()) -> Outcome:
    """One request, rolled back afterwards; with ``baseline``, the tables that changed."""
    outcome = None
    # The session cookie as it was: a request that logs out or rotates the session (rolled
    # back in the database) must not leave the next request logged out.
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        before = changes_counter()
        try:
            response = client.post(url, data or {}) if method == "post" else client.get(url)
            outcome = Outcome(response.status_code, response.get("Location", ""))
            if look_for and response.status_code == 200 and not response.streaming:
                body = response.content.decode(errors="replace")
                outcome.mentions = tuple(text for text in look_for if text in body)
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


class _FormReader(HTMLParser):
    """The fields of the page's POST forms that submit to the page itself, as a browser would
    send them unchanged (text, hidden and checked inputs, selected options, textareas)."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._select = None
        self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.path
            self._in_form = (attrs.get("method") or "").lower() == "post" and (
                action.split("?")[0] == self.path
            )
            return
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.setdefault(name, attrs.get("value") or "on")
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.fields.setdefault(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._first_option is None and value:
                self._first_option = value
            if "selected" in attrs:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            if self._first_option is not None:
                self.fields.setdefault(self._select, self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


#: What an action's form usually asks for (a comment, a reason…), filled in so that a refused
#: POST is refused for who sent it, not for what was missing.
GENERIC_FIELDS = {
    "comment": "矩陣測試",
    "reason": "矩陣測試",
    "note": "矩陣測試",
    "text": "矩陣測試",
    "answer": "矩陣測試",
    "summary": "矩陣測試",
    "confirm": "1",
}


def form_data(client, url) -> dict[str, str]:
    """The page's own form as a writer sees it (their GET rolled back like any request)."""
    with transaction.atomic():
        try:
            response = client.get(url)
        except Exception:
            response = None
        transaction.set_rollback(True)
    cache.clear()
    fields = dict(GENERIC_FIELDS)
    if response is not None and response.status_code == 200:
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            reader = _FormReader(url)
            reader.feed(response.content.decode(errors="replace"))
            fields.update(reader.fields)
    fields.pop("csrfmiddlewaretoken", None)
    return fields
