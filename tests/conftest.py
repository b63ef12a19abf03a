"""Shared fixtures: a fixed clock, users of every role, a browser, and Celery in-process."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import (
    CountyFactory,
    SchoolFactory,
    UserFactory,
    ensure_reference_data,
    evaluated_school,
    grant,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


#: The instant every test starts at: Monday 16 November 2026, 10:00 in Taipei (semester 1 of
#: 115學年度). The clock ticks on from there, so durations and ordering behave as in real
#: life, but nothing depends on the hour or the day the suite happens to run (the real clock
#: in the Taiwan evening is already tomorrow in UTC; on 1 August the academic year turns).
#: A test that needs another moment travels there itself (``time_machine.travel`` or the
#: ``time_machine`` fixture), which nests inside this one.
FIXED_NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))


def pytest_configure(config):
    """The clock is fixed from the start, so that values computed while tests are collected
    (parametrize arguments) see the same instant as the tests themselves."""
    config._portal_clock = time_machine.travel(FIXED_NOW, tick=True)
    config._portal_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_portal_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(autouse=True)
def fixed_clock():
    """Every test runs at ``FIXED_NOW``, whatever the machine's clock says."""
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True, scope="session")
def celery_in_process():
    """Tasks run in-process unless a test starts a real worker."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = False
    yield app


@pytest.fixture(autouse=True)
def sessions_in_the_database(settings):
    """Sessions in the database whether or not REDIS_URL is set (with Redis the portal reads
    them through the cache, cached_db): a page's query count is then the same in every run.
    tests/portal/accounts/test_views.py tests the cached engine itself."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def documents_in_process(settings):
    """Documents render inside the test, not in a background thread."""
    settings.PORTAL_DOCUMENTS_IN_THREAD = False


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Generated files go to a fresh folder per test."""
    location = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = location
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": settings.STORAGES["private"]["BACKEND"],
            "OPTIONS": {"location": location, "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return location


@pytest.fixture
def county(db):
    return CountyFactory()


@pytest.fixture
def school(db):
    """An eligible school (every item ≥ 80, total average under 90)."""
    return evaluated_school(scores=["85"] * 8)


@pytest.fixture
def other_school(db):
    return evaluated_school(scores=["86"] * 8)


@pytest.fixture
def ministry(db):
    return grant(UserFactory(username="ministry-user"), "ministry")


@pytest.fixture
def coordinator(school):
    return grant(UserFactory(username="coordinator-user"), "coordinator", school=school)


@pytest.fixture
def principal(school):
    return grant(UserFactory(username="principal-user"), "principal", school=school)


@pytest.fixture
def committee_member(db):
    return grant(
        UserFactory(username="reviewer-user"),
        "committee",
        committee_category="expert",
        affiliation="國立臺灣師範大學",
    )


@pytest.fixture
def advisor(db):
    return grant(UserFactory(username="advisor-user"), "advisor", affiliation="國立彰化師範大學")


@pytest.fixture
def inspector(school):
    return grant(UserFactory(username="inspector-user"), "inspector", county=school.county)


@pytest.fixture
def panel_member(db):
    return grant(UserFactory(username="panel-user"), "panel")


@pytest.fixture
def client_for(client):
    """Log a test client in as a user: ``client_for(user)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Browser -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Under ``make test-clock`` libfaketime is preloaded into every process; Playwright's driver
    # and Chromium run on the real clock instead (the pages' clock is installed per context),
    # since a faked clock stalls their timers.
    preload = os.environ.pop("LD_PRELOAD", None) if os.environ.get("FAKETIME") else None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        if preload is not None:
            os.environ["LD_PRELOAD"] = preload
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):
    ensure_reference_data()


@pytest.fixture
def page(browser, live_server, settings, reference_data, fixed_clock):
    settings.DEBUG = False
    # Chromium judges cookie expiry by the machine's real clock, not the server's fixed one:
    # a CSRF cookie dated from FIXED_NOW could already be expired for it. Session cookies
    # (no expiry date) are kept until the context closes, whatever either clock says.
    settings.CSRF_COOKIE_AGE = None
    context = browser.new_context(base_url=live_server.url, locale="zh-TW")
    context.set_default_timeout(15000)
    # Assertions wait as long as actions do: on a loaded CI machine an autosave round trip
    # can take longer than Playwright's default of five seconds.
    from playwright.sync_api import expect

    expect.set_options(timeout=15000)
    # The page's own clock (date pickers, "today" in scripts) starts at the server's instant.
    context.clock.install(time=FIXED_NOW)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log in through the real form: ``login(page, username)``."""

    def do_login(username, password="portal-test-pw"):
        page.goto("/accounts/login/")
        page.get_by_label("帳號").fill(username)
        page.get_by_label("密碼").fill(password)
        page.get_by_role("button", name="登入").click()
        page.wait_for_load_state()
        return page

    return do_login


__all__ = ["SchoolFactory"]
