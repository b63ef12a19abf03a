"""Accessibility checks: axe-core (vendored for tests only) over the demo data set, and a
browser that signs the demo accounts in."""

import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA: the rules Taiwan's 網站無障礙規範 builds on.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "portal-demo"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def axe_violations(page):
    """Run axe on the page as it is now: [(rule, impact, [targets])]. After a form posted by a
    click the new page may show before its stylesheets have loaded (its colours then the
    browser's own): axe waits for the page's load."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            const why = (n) => (n.failureSummary || "").split("\\n").slice(1).join(" ").trim();
            return result.violations.map(v => [v.id, v.impact,
                v.nodes.map(n => n.target.join(" ") + " :: " + why(n))]);
        }""",
        WCAG_TAGS,
    )
    return [tuple(v) for v in found]


def _stop(server):
    """Stop the server once its request threads are done: a thread still closing its shared
    SQLite connection after the sharing ends raises in that thread."""
    server.thread.terminate()
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=5)
    for conn in server.thread.connections_override.values():
        conn.dec_thread_sharing()


def _reset_sequences(connection):
    """Rows put back with their own ids leave PostgreSQL's sequences where the flush left
    them (at 1): move each past its table's highest id, or the next insert collides."""
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """The demo data set (seed_demo) behind a live server of this module's own, seeded once.

    pytest-django's ``live_server`` empties the database after every test; the crawl of each
    role reads the same demo data, so it is loaded once here (committed, so that the server's
    own connection sees it on PostgreSQL too) and emptied at the module's end.
    """
    from pytest_django.live_server_helper import LiveServer

    settings = override_settings(
        DEBUG=False,
        PASSWORD_HASHERS=FAST_HASHER,
        CSRF_COOKIE_AGE=None,
        ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"],
        PORTAL_DOCUMENTS_IN_THREAD=False,
    )
    from django.db import connection

    with django_db_blocker.unblock():
        # What the migrations put in the test database, to put back afterwards: the tests
        # that run next on this worker expect it (as TransactionTestCase's serialized_rollback).
        before = connection.creation.serialize_db_to_string()
        with override_settings(
            DEBUG=True, PASSWORD_HASHERS=FAST_HASHER, PORTAL_DOCUMENTS_IN_THREAD=False
        ):
            call_command("seed_demo", verbosity=0)
        settings.enable()
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            _stop(server)
            settings.disable()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)
            _reset_sequences(connection)


@pytest.fixture
def demo_page(demo_server, browser, fixed_clock):
    """A Chinese-speaking browser on the demo server (axe is injected past the page's CSP)."""
    from playwright.sync_api import expect

    from tests.conftest import FIXED_NOW

    context = browser.new_context(base_url=demo_server.url, locale="zh-TW", bypass_csp=True)
    context.set_default_timeout(15000)
    expect.set_options(timeout=15000)
    context.clock.install(time=FIXED_NOW)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    yield page
    context.close()


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("帳號").fill(username)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()
    page.wait_for_load_state()
