"""The coordinator sets the plan's indicator targets in Chinese, through the pages: a shared
indicator is entered once and shows under every item that lists it; a bad value is refused
with what was typed kept (Playwright + Chromium)."""

import pytest
from playwright.sync_api import expect

from indicators.models import PlanIndicator
from tests.factories import UserFactory, evaluated_school, grant
from tests.indicators.builders import SHARED, draft_plan, ministry_indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_sets_targets_shared_indicator_once(page, login):
    school = evaluated_school(scores=["88"] * 8, name="國立臺中高級工業職業學校", code="193404")
    coordinator = grant(UserFactory(username="chen", name="陳組長"), "coordinator", school=school)
    plan = draft_plan(school, coordinator, items=(2, 7))
    shared = ministry_indicator(plan, SHARED)

    login("chen")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("navigation", name="計畫各部分").get_by_role("link", name="績效指標").click()
    expect(page.get_by_role("heading", name="績效指標與目標值")).to_be_visible()
    item2 = page.locator("#item-2")
    item7 = page.locator("#item-7")
    expect(item2.locator(f"#indicator-{shared.pk}-2")).to_contain_text("共同指標：項目 2、3、7、8")

    # The shared indicator, entered under item 2.
    item2.get_by_role("link", name=f"設定「{SHARED}」的目標值").click()
    expect(
        page.get_by_text("同一個指標：在此填寫的內容會顯示於計畫中所有列出它的項目下。")
    ).to_be_visible()
    page.get_by_label("基準值（115學年度實際值，班）").fill("4")
    page.get_by_label("116學年度目標值（班）").fill("6")
    page.get_by_label("117學年度目標值（班）").fill("8")
    page.get_by_label("118學年度目標值（班）").fill("10")
    page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.get_by_text(f"已儲存「{SHARED}」的基準值與目標值。")).to_be_visible()

    # It shows under item 7 too, already entered: nothing to type twice.
    row7 = item7.locator(f"#indicator-{shared.pk}-7")
    expect(row7.locator("td.num")).to_have_text(["4", "6", "8", "10"])
    expect(row7.get_by_role("link", name=f"設定「{SHARED}」的目標值")).to_have_text("修改")

    # A share of a whole above 100 is refused, in Chinese, with what was typed kept.
    name = "學生休學及輔導轉學比率"
    item7.get_by_role("link", name=f"設定「{name}」的目標值").click()
    page.get_by_label("基準值（115學年度實際值，%）").fill("120")
    page.get_by_label("116學年度目標值（%）").fill("2.5")
    page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.get_by_text("此為占全體之百分比：不可超過 100。")).to_be_visible()
    expect(page.get_by_label("基準值（115學年度實際值，%）")).to_have_value("120")
    expect(page.get_by_label("116學年度目標值（%）")).to_have_value("2.5")

    # Not applicable needs a reason.
    page.get_by_label("基準值（115學年度實際值，%）").fill("")
    page.get_by_label("本指標不適用於本校計畫").check()
    page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.get_by_text("請說明此指標不適用於本計畫的理由。")).to_be_visible()
    page.get_by_label("不適用理由").fill("本校近三年無休學及輔導轉學個案")
    page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.get_by_text(f"已儲存「{name}」的基準值與目標值。")).to_be_visible()
    expect(page.locator("#item-7").get_by_text("本校近三年無休學及輔導轉學個案")).to_be_visible()

    assert PlanIndicator.objects.filter(plan=plan, indicator=shared).count() == 1
    assert PlanIndicator.objects.filter(plan=plan).count() == 2
