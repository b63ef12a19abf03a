"""Browser: each of the seven roles logs in through the form, lands on its own home in
Chinese, and switches the language to English and back."""

import pytest

from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_HEADINGS = {
    # role → a heading that only that role's home shows
    "ministry": "計畫概況",
    "coordinator": "學校承辦人",
    "principal": "校長",
    "committee": "審查委員",
    "advisor": "專業諮詢委員",
    "inspector": "轄區學校",
    "panel": "考評小組委員",
}


@pytest.fixture
def people(school):
    return {
        "ministry": grant(UserFactory(username="b-ministry", name="王專員"), "ministry"),
        "coordinator": grant(
            UserFactory(username="b-school", name="陳組長"), "coordinator", school=school
        ),
        "principal": grant(
            UserFactory(username="b-principal", name="林校長"), "principal", school=school
        ),
        "committee": grant(
            UserFactory(username="b-reviewer", name="張教授"),
            "committee",
            committee_category="expert",
            affiliation="國立臺灣師範大學",
        ),
        "advisor": grant(UserFactory(username="b-advisor", name="黃委員"), "advisor"),
        "inspector": grant(
            UserFactory(username="b-inspector", name="李督學"), "inspector", county=school.county
        ),
        "panel": grant(UserFactory(username="b-panel", name="吳委員"), "panel"),
    }


@pytest.mark.parametrize("role", list(ROLE_HEADINGS))
def test_browser_each_role_logs_in_to_its_home_in_chinese(page, login, people, role):
    user = people[role]
    login(user.username)
    assert page.url.endswith("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.get_by_role("heading", name=f"{user.name}，您好").is_visible()
    assert page.locator("main").get_by_text(ROLE_HEADINGS[role]).first.is_visible()


def test_browser_language_switch_to_english_and_back(page, login, people):
    login(people["coordinator"].username)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Welcome, 陳組長").is_visible()
    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.get_by_role("heading", name="陳組長，您好").is_visible()


def test_browser_anonymous_visitor_is_sent_to_log_in(page):
    page.goto("/schools/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="登入計畫平臺").is_visible()
