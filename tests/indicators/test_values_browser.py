"""In Chinese, through the pages: the school enters a year's values including a ratio (one
refused, then corrected), the principal signs them off, and ministry staff see the school's
charts and the completeness board (Playwright + Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from indicators.enums import ReportStatus
from indicators.models import YearReport
from tests.factories import UserFactory, evaluated_school, grant
from tests.indicators.values_builders import open_window, supported_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row(page, name):
    return page.locator(f'tr[data-indicator="{name}"]')


def save_row(page, name, **typed):
    line = row(page, name)
    for part, text in typed.items():
        line.get_by_label(f"{name}：{part}").fill(text)
    line.get_by_role("button", name=f"儲存：{name}").click()


def test_school_reports_values_principal_signs_off_ministry_sees_chart(page, login):
    school = evaluated_school(scores=["88"] * 8, name="國立臺中高級工業職業學校", code="193404")
    coordinator = grant(UserFactory(username="chen", name="陳組長"), "coordinator", school=school)
    grant(UserFactory(username="lin", name="林校長"), "principal", school=school)
    grant(UserFactory(username="wang", name="王專員"), "ministry")
    supported_plan(school, coordinator)
    open_window()

    # --- The coordinator enters the year's values ------------------------------------------
    login("chen")
    page.get_by_role("link", name="績效指標填報").first.click()
    expect(page.get_by_role("heading", name=re.compile("績效指標填報"))).to_be_visible()
    page.get_by_role("row", name=re.compile("114學年度")).get_by_role(
        "link", name="查看填報內容"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("114學年度績效指標實際值"))).to_be_visible()

    save_row(page, "導入合作學習策略教師人數比", 分子="30", 分母="60")
    expect(row(page, "導入合作學習策略教師人數比").locator(".computed-value")).to_have_text("50")

    # A zero denominator is refused in Chinese, what was typed stays in the boxes.
    save_row(page, "學生違規人次比率", 分子="9", 分母="0")
    line = row(page, "學生違規人次比率")
    expect(line.get_by_role("alert")).to_contain_text("分母不可為 0")
    expect(line.get_by_label("學生違規人次比率：分子")).to_have_value("9")
    expect(line.get_by_label("學生違規人次比率：分母")).to_have_value("0")
    save_row(page, "學生違規人次比率", 分母="200")
    expect(row(page, "學生違規人次比率").locator(".computed-value")).to_have_text("4.5")
    expect(row(page, "學生違規人次比率")).to_contain_text("未達成")  # lower is better: 4.5 > 4

    save_row(page, "專科教室數量", 數值="12")
    save_row(page, "生師比", 分子="1500", 分母="120")
    expect(row(page, "生師比").locator(".computed-value")).to_have_text("12.5")

    page.reload()
    page.get_by_role("button", name="送校長核章").click()
    expect(page.get_by_text("已將實際值送校長核章。")).to_be_visible()

    # --- The principal signs them off ------------------------------------------------------
    page.context.clear_cookies()
    login("lin")
    page.goto(f"/indicators/values/school/{school.code}/114/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="核章並送出至教育部").click()
    expect(page.get_by_text("實際值已核章並送出至教育部。")).to_be_visible()
    assert YearReport.objects.get().status == ReportStatus.SUBMITTED

    # --- Ministry staff see who reported, and the school's charts --------------------------
    page.context.clear_cookies()
    login("wang")
    page.get_by_role("link", name="績效指標填報").first.click()
    expect(page.get_by_role("heading", name="114學年度績效指標填報情形")).to_be_visible()
    board_row = page.locator("#board-table tr", has_text=school.name)
    expect(board_row).to_contain_text("已送出")
    expect(board_row).to_contain_text("4 / 4")
    page.goto(f"/indicators/values/school/{school.code}/charts/")
    card = page.locator(".trend-card", has_text="學生違規人次比率")
    expect(card.locator("canvas")).to_be_visible()
    expect(card.locator("canvas")).to_have_attribute("data-chart-drawn", "1")
    expect(card.locator("table")).to_contain_text("4.5")
    expect(page.locator("#item-table")).to_contain_text("7. 增進學生學習品質")
