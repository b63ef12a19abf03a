"""In Chromium, in Chinese: the advisor records a consultation and files its report (SUP-3),
the school answers the advice, and ministry staff see the semester board change (SUP-4)."""

import pytest
from playwright.sync_api import expect

from consulting import services
from consulting.models import Advice
from portal.programme import calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_advisor_files_school_answers_ministry_sees_the_board_change(
    page, login, assigned, school, coordinator, ministry
):
    consultation = services.consultation_schedule(
        school=school,
        by=assigned.advisor,
        date=calendar.taipei_today(),
        mode="on_site",
        place="會議室",
    )
    page.on("dialog", lambda dialog: dialog.accept())

    login(ministry.username)
    page.goto("/consulting/board/")
    row = page.locator(f'#semester-board tr[data-school="{school.code}"]')
    expect(row).to_have_attribute("data-behind", "yes")
    expect(row.locator("td.held")).to_have_text("0")

    switch_user(page, login, assigned.advisor.username)
    page.get_by_role("link", name="我的諮詢").click()
    page.get_by_role("link", name=f"{school.name}").first.click()
    page.get_by_role("link", name=consultation.date.strftime("115年%-m月%-d日")).click()
    page.get_by_role("link", name="記錄諮詢內容").click()
    page.get_by_label("出席人員").fill("林校長、王主任")
    page.get_by_label("校長出席").check()
    page.get_by_label("7. 增進學生學習品質").check()
    page.get_by_label("綜合意見").fill("學習扶助推動良好。")
    page.get_by_role("button", name="儲存紀錄").click()
    expect(page.get_by_text("已儲存。請依項目填寫建議，再送出報告。")).to_be_visible()
    page.get_by_label("辦理項目").select_option(label="7. 增進學生學習品質")
    page.get_by_role("textbox", name="發現").fill("追蹤紀錄未系統化")
    page.get_by_role("textbox", name="建議").fill("建立學習扶助追蹤表")
    page.get_by_role("button", name="新增建議").click()
    expect(page.get_by_text("已新增建議。")).to_be_visible()
    page.get_by_role("button", name="送出諮詢報告").click()
    expect(page.locator("#consultation-status")).to_have_text("報告已送出")

    switch_user(page, login, coordinator.username)
    page.goto(f"/consulting/schools/{school.code}/")
    advice = Advice.objects.get(consultation=consultation)
    page.locator(f"#answer-{advice.pk}").fill("已建立追蹤表並每月檢視")
    page.locator(f"#status-{advice.pk}").select_option("done")
    page.locator(f"#advice-{advice.pk}").get_by_role("button", name="回覆").click()
    expect(page.get_by_text("您的回覆已儲存。")).to_be_visible()
    expect(page.get_by_text("沒有未完成的建議。")).to_be_visible()

    switch_user(page, login, ministry.username)
    page.goto("/consulting/board/")
    row = page.locator(f'#semester-board tr[data-school="{school.code}"]')
    expect(row).to_have_attribute("data-behind", "no")
    expect(row.locator("td.held")).to_have_text("1")
    expect(row.locator("td.filed")).to_have_text("1")
    assert Advice.objects.get(pk=advice.pk).status == "done"
