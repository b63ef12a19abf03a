"""Browser, in Chinese: a date field takes a 民國 date typed or picked from the 民國 calendar,
without a console error (content-security-policy violations included)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from portal.programme.models import ApplicationWindow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_roc_date_picker_and_typed_date_saved(page, login, ministry):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    login(ministry.username)
    page.goto("/programme/windows/new/")

    # A bad date is refused in Chinese and what was typed stays in the box.
    page.get_by_label("開始日期").fill("116/02/29")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_text("沒有這一天：116/02/29。")).to_be_visible()
    expect(page.get_by_label("開始日期")).to_have_value("116/02/29")

    # The calendar speaks 民國 years: open it on the closing date and pick 116/07/15.
    page.get_by_label("開始日期").fill("116/04/01")
    closes = page.get_by_label("截止日期")
    closes.fill("116/06/30")
    closes.locator("xpath=..").get_by_role("button", name="開啟民國日曆").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("民國116年6月")).to_be_visible()
    dialog.get_by_role("button", name="下一個月").click()
    expect(dialog.get_by_text("民國116年7月")).to_be_visible()
    dialog.get_by_role("button", name="民國116/07/15").click()
    expect(closes).to_have_value("116/07/15")
    expect(dialog).to_have_count(0)
    page.get_by_role("button", name="儲存").click()
    page.wait_for_load_state()

    window = ApplicationWindow.objects.get()
    assert (window.opens_on, window.closes_on) == (dt.date(2027, 4, 1), dt.date(2027, 7, 15))
    assert problems == []
