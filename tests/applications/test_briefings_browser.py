"""APP-1 in the browser, in Chinese: the ministry announces a briefing session, a school
coordinator registers the school, and the ministry sees the registration."""

import datetime as dt
import re
from unittest import mock

import pytest
from playwright.sync_api import expect

from applications.models import BriefingRegistration, BriefingSession
from portal.programme import calendar

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed. The rows seeded
    # by migrations (counties, phases) are put back by the ``reference_data`` fixture.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def live_server():
    """pytest-django's live server, but able to start with MEDIA_URL = None.

    Generated files are private, so the settings have no media URL; Django's live
    server still wraps a media-files handler that parses MEDIA_URL and then fails
    on every request. Give that handler a path nothing uses.
    """
    from django.test.testcases import _MediaFilesHandler
    from pytest_django.live_server_helper import LiveServer

    with mock.patch.object(_MediaFilesHandler, "get_base_url", lambda self: "/__no-media__/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


def test_briefing_announce_register_and_see_it_app1(page, login, ministry, coordinator, school):
    day = calendar.taipei_today() + dt.timedelta(days=21)
    closes = day - dt.timedelta(days=7)

    # The ministry announces a session.
    login("ministry-user")
    page.get_by_role("link", name="說明會", exact=True).click()
    expect(page.get_by_role("heading", name="計畫提報說明會")).to_be_visible()
    page.get_by_role("link", name="公告說明會").click()
    page.get_by_label("說明會名稱").fill("115學年度計畫提報說明會（中區場）")
    page.get_by_label("開始時間").fill(f"{calendar.roc_numeric(day)} 13:30")
    page.get_by_label("結束時間").fill(f"{calendar.roc_numeric(day)} 16:30")
    page.get_by_label("地點").fill("國立臺中高工 圖書館五樓會議室")
    page.get_by_label("名額（校數）").fill("30")
    page.get_by_label("報名截止時間").fill(f"{calendar.roc_numeric(closes)} 17:00")
    page.get_by_role("button", name="公告", exact=True).click()
    expect(page.get_by_text("說明會已公告。")).to_be_visible()
    roc_day = f"{day.year - 1911}年{day.month}月{day.day}日"
    expect(page.get_by_text(f"{roc_day} 13:30–16:30")).to_be_visible()
    session = BriefingSession.objects.get()
    assert session.starts_at == dt.datetime(
        day.year, day.month, day.day, 13, 30, tzinfo=calendar.TAIPEI
    )

    # The school's coordinator registers the school from the home page.
    page.context.clear_cookies()
    login("coordinator-user")
    page.get_by_role("link", name="115學年度計畫提報說明會（中區場）").click()
    page.get_by_role("link", name="為本校報名").click()
    page.get_by_label("出席人員").fill("王大明 教務主任、李小華 實習輔導主任")
    page.get_by_label("出席人數").fill("2")
    page.get_by_role("button", name="報名", exact=True).click()
    expect(page.get_by_text(f"{school.name} 已完成報名，確認信已寄出。")).to_be_visible()
    expect(page.get_by_role("button", name="取消報名")).to_be_visible()
    registration = BriefingRegistration.objects.get()
    assert (registration.school, registration.attendee_count) == (school, 2)

    # The ministry sees the registration.
    page.context.clear_cookies()
    login("ministry-user")
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name=re.compile(r"報名名單（1）")).click()
    table = page.locator("#registration-table")
    expect(table.get_by_role("link", name=school.name)).to_be_visible()
    expect(table).to_contain_text("王大明 教務主任、李小華 實習輔導主任")
    expect(table).to_contain_text(coordinator.display_name)
    expect(page.locator("#school-count")).to_contain_text("1")
