"""Every page each role reaches by following links passes axe-core's WCAG 2.0/2.1 A and AA
rules, on the demo data set; so do a page after an htmx swap and pages showing form errors.

The crawl starts at the home page and follows same-origin links breadth first, so a page a new
app adds is checked as soon as something links to it. Links that download, export or change
something when followed are left out; a URL pattern is visited a few times at most.
"""

import time
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.a11y.conftest import axe_violations, sign_in

# The demo data is loaded once for the module (demo_server); each test runs inside a
# transaction of its own, which the live server shares (in-memory SQLite, one connection).
# Under ``--dist loadgroup`` the module stays on one worker, which seeds the demo once.
pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.xdist_group("a11y-demo")]

#: Demo accounts (seed_demo) by role; None is the visitor who is not signed in.
ROLES = {
    "coordinator": "school",
    "principal": "principal",
    "committee": "reviewer",
    "panel": "panel",
    "advisor": "advisor",
    "inspector": "inspector",
    "ministry": "ministry",
    "anonymous": None,
}
PER_PATTERN = 2
PAGES_PER_ROLE = 45
SECONDS_PER_ROLE = 60
#: Parts of a URL name or path that mark a link as a download, an export or an action.
SKIPPED_WORDS = (
    "logout", "download", "export", "pdf", "xlsx", "template", "delete", "remove", "retry",
    "withdraw", "cancel", "revoke", "send_reset", "publish", "remind", "reopen", "leave_out",
    "take_back", "assign_auto", "status", "photo", "file", "setlang", "set_language",
)  # fmt: skip
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/")


def pattern_of(url):
    """The URL pattern a link resolves to, or None for a link to leave alone."""
    path, query = urlsplit(url).path, urlsplit(url).query.lower()
    if path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name or ""
    if any(word in name or word in path.lower() or word in query for word in SKIPPED_WORDS):
        return None
    return match.route or name


def same_origin_links(page, origin):
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
    )
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url, _ = urldefrag(urljoin(page.url, href))
        if urlsplit(url).netloc == origin:
            yield url


def crawl(page, start="/"):
    """Visit pages breadth first from ``start``; return {url: violations} for those failing."""
    origin = urlsplit(page.url or "http://localhost").netloc
    page.goto(start)
    origin = urlsplit(page.url).netloc
    queue = deque([page.url])
    seen_urls = {page.url}
    per_pattern = {}
    failures, visited = {}, []
    started = time.monotonic()
    while queue and len(visited) < PAGES_PER_ROLE:
        if time.monotonic() - started > SECONDS_PER_ROLE:
            break
        url = queue.popleft()
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download the link's words did not give away
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(url)
        violations = axe_violations(page)
        if violations:
            failures[url] = violations
        for link in same_origin_links(page, origin):
            if link in seen_urls:
                continue
            seen_urls.add(link)
            pattern = pattern_of(link)
            if pattern is None or per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            queue.append(link)
    return visited, failures


def report(failures):
    lines = []
    for url, violations in failures.items():
        for rule, impact, targets in violations:
            lines.append(f"{urlsplit(url).path}?{urlsplit(url).query} [{rule}, {impact}]")
            lines.extend(f"    {target}" for target in targets[:5])
    return "\n".join(lines)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_passes_axe(demo_page, role):
    username = ROLES[role]
    if username:
        sign_in(demo_page, username)
    visited, failures = crawl(demo_page)
    assert len(visited) >= (3 if username else 1)
    assert not failures, f"{len(failures)} of {len(visited)} pages fail:\n" + report(failures)


def test_english_pages_pass_axe_and_mark_chinese_data(demo_page):
    """In English (longer labels, Chinese data among English words), for ministry staff, who
    see the most pages; Chinese school names on them say they are Chinese (WCAG 3.1.2)."""
    page = demo_page
    sign_in(page, "ministry")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visited, failures = crawl(page)
    assert len(visited) >= 3
    assert not failures, f"{len(failures)} of {len(visited)} pages fail:\n" + report(failures)
    page.goto("/schools/")
    expect(page.locator("#school-table [lang=zh-Hant]").first).to_be_visible()


def test_anonymous_public_pages_pass_axe(demo_page):
    """The public programme pages, which nothing signed-out links to from the login page."""
    visited, failures = crawl(demo_page, start="/public/programme/")
    assert len(visited) >= 2
    assert not failures, report(failures)


def test_login_form_error_passes_axe(demo_page):
    sign_in(demo_page, "school", password="wrong-password")
    expect(demo_page.locator(".alert, .invalid-feedback, .errorlist").first).to_be_visible()
    assert axe_violations(demo_page) == []


def _demo_draft_plan():
    from applications.enums import PlanStatus
    from applications.models import Plan
    from portal import demo

    return Plan.objects.get(school__code=demo.DEMO_SCHOOL, status=PlanStatus.DRAFT)


def test_budget_page_after_htmx_swaps_passes_axe(demo_page):
    """The budget's new line sent empty comes back in place with its errors (focus on the
    first field in error), and a line opened for editing in place: both pass axe."""
    page = demo_page
    sign_in(page, "school")
    page.goto(f"/plans/{_demo_draft_plan().pk}/budget/")
    panel = page.get_by_role("tabpanel").first
    panel.get_by_role("button", name="新增").click()
    expect(panel.locator(".is-invalid").first).to_be_visible()
    assert page.evaluate("document.activeElement.classList.contains('is-invalid')")
    assert axe_violations(page) == []

    panel.locator("tr[data-line] button[aria-label^='編輯']").first.click()
    expect(panel.locator("tr.form-row[data-line]").first).to_be_visible()
    assert axe_violations(page) == []


def test_password_form_with_errors_passes_axe(demo_page):
    page = demo_page
    sign_in(page, "principal")
    page.goto("/accounts/password/change/")
    page.get_by_role("button", name="變更密碼").click()
    expect(page.locator(".is-invalid, .invalid-feedback").first).to_be_visible()
    assert axe_violations(page) == []
