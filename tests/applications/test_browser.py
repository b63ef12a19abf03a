"""A coordinator writes and submits the school's plan end to end in Chinese, through the pages,
as a user would; the principal reads it and approves it (Playwright + Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from applications.enums import PlanStatus
from applications.models import Plan
from tests.applications.builders import open_phase_now
from tests.factories import UserFactory, evaluated_school, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def menu(page, name):
    """A link of the plan's menu (計畫各部分)."""
    return page.get_by_role("navigation", name="計畫各部分").get_by_role(
        "link", name=name, exact=True
    )


def save_section(page, title, fields):
    """Open one part of the plan from the menu, type into it, save it."""
    menu(page, title).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    for label, text in fields.items():
        page.get_by_label(label, exact=True).fill(text)
    # The page saves as one types: the user leaves the last field, sees it saved, then
    # presses Save. (Waiting for the autosave keeps one request at a time: the test server's
    # SQLite connection is shared between its threads.)
    page.keyboard.press("Tab")
    page.wait_for_timeout(1600)  # the autosave fires 1.5 s after the last keystroke
    expect(page.locator("#section-form")).not_to_have_class(re.compile(r"htmx-request"))
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"已於 \d\d:\d\d 儲存"))
    page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.get_by_text("已儲存。")).to_be_visible()


def fill_subplan(page, fields, years):
    for label, text in fields.items():
        page.get_by_label(label).fill(text)  # required fields' labels end with "*"
    for year in years:
        page.get_by_label(f"{year} 學年度進度", exact=True).fill(f"{year}學年度：每學期辦理 2 場。")
    page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.get_by_text("已儲存子計畫。")).to_be_visible()


def add_budget_line(page, year, subplan, name, quantity, unit_price, subsidy):
    """Type a line in the year's tab and add it in place (htmx, no reload)."""
    page.get_by_role("tab", name=f"{year}學年度").click()
    panel = page.get_by_role("tabpanel", name=f"{year}學年度")
    panel.get_by_label("子計畫", exact=True).select_option(label=subplan)
    panel.get_by_label("經費類別", exact=True).select_option(label="業務費")
    panel.get_by_label("項目", exact=True).fill(name)
    panel.get_by_label("單位", exact=True).fill("場")
    panel.get_by_label("數量", exact=True).fill(quantity)
    panel.get_by_label("單價（仟元）", exact=True).fill(unit_price)
    panel.get_by_label("補助款（仟元）", exact=True).fill(subsidy)
    panel.get_by_label("執行期間", exact=True).select_option(label="8–12 月（前一會計年度）")
    panel.get_by_role("button", name="新增").click()
    expect(panel.locator(f"#lines-{year} tr", has_text=name)).to_be_visible()


def test_coordinator_writes_and_submits_plan_principal_approves(page, login):
    # The school, its people and the open phase and window, made for the test.
    phase = open_phase_now()
    years = phase.years
    school = evaluated_school(scores=["88"] * 8, name="國立臺中高級工業職業學校", code="193404")
    grant(UserFactory(username="chen", name="陳組長"), "coordinator", school=school)
    grant(UserFactory(username="lin", name="林校長"), "principal", school=school)

    # --- The coordinator starts the plan ---------------------------------------------------
    login("chen")
    page.get_by_role("link", name="計畫", exact=True).first.click()
    page.get_by_role("link", name="開始撰寫 國立臺中高級工業職業學校 的計畫").click()
    expect(page.get_by_text("符合申請資格。")).to_be_visible()
    page.get_by_role("button", name="開始撰寫計畫").click()
    expect(page.get_by_role("heading", name=re.compile("國立臺中高級工業職業學校"))).to_be_visible()

    # --- The text of the plan ------------------------------------------------------------
    save_section(page, "學校發展目標", {
        "學校願景": "適性揚才、務實致用",
        "學校發展目標": "深化學生學習品質，強化產學鏈結。",
    })  # fmt: skip
    save_section(page, "學校基本資料", {"班級數": "45", "學生數": "1520", "專任教師數": "120"})
    save_section(page, "現況分析與診斷", {
        "優勢（S）": "專業群科完整。",
        "劣勢（W）": "部分設備老舊。",
        "機會（O）": "在地產業需求殷切。",
        "威脅（T）": "少子化。",
        "因應策略": "以特色課程吸引就近入學。",
    })  # fmt: skip
    save_section(page, "學校自主管理機制", {
        "組織與分工": "成立優質化推動委員會，校長召集。",
        "運作機制（會議、流程）": "每月召開工作會議。",
        "自我檢核與改進": "每學期自我檢核。",
    })  # fmt: skip

    # --- Sub-plans: item 7 and the inter-school exchange, with a schedule for each year ----
    menu(page, "子計畫").click()
    page.get_by_role("link", name="新增子計畫").click()
    page.get_by_label("辦理項目").select_option(label="7. 增進學生學習品質")
    fill_subplan(page, {
        "子計畫名稱": "學習共同體",
        "目標": "提升學生學習成效。",
        "策略與活動": "推動公開觀課與共同備課。",
        "預期成效（量化）": "公開觀課教師 30 人。",
        "預期成效（質化）": "教學品質提升。",
        "負責單位": "教務處",
    }, years)  # fmt: skip
    menu(page, "子計畫").click()
    page.get_by_role("link", name="新增校際交流子計畫").click()
    expect(page.get_by_label("子計畫名稱")).to_have_value("校際交流觀摩會")
    expect(page.get_by_label("校際交流觀摩子計畫")).to_be_checked()
    fill_subplan(page, {
        "目標": "與他校分享經驗。",
        "策略與活動": "每學年辦理校際交流觀摩會。",
        "預期成效（量化）": "參與學校 5 校。",
        "預期成效（質化）": "經驗交流。",
        "負責單位": "實習處",
    }, years)  # fmt: skip

    # --- The budget: one line per year, added in place --------------------------------------
    menu(page, "經費概算表").click()
    page.evaluate("window.stillTheSamePage = true")
    for year, (quantity, price) in zip(
        years, [("4", "2.5"), ("3", "2.5"), ("2", "2.5")], strict=True
    ):
        add_budget_line(page, year, "7-學習共同體", f"{year}學年度講座鐘點費", quantity, price,
                        subsidy=str(int(quantity) * 2.5))  # fmt: skip
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    page.get_by_label("承辦人", exact=True).fill("陳組長")
    page.get_by_label("承辦主任", exact=True).fill("王主任")
    page.get_by_label("主(會)計主任", exact=True).fill("李主任")
    page.get_by_label("校長", exact=True).fill("林校長")
    page.get_by_role("button", name="儲存核章人員").click()
    expect(page.get_by_text("已儲存。")).to_be_visible()
    page.get_by_role("tab", name="合計").click()
    expect(page.locator("#grand-total")).to_have_text("22.500")

    # --- The indicators' baselines and targets: entered through their pages in
    # tests/indicators/test_browser.py; here filled through the same services.
    from applications import hooks
    from portal.accounts.models import User

    hooks.fill_contributed_parts(Plan.objects.get(school=school), User.objects.get(username="chen"))

    # --- The checklist is complete; send to the principal ------------------------------------
    menu(page, "檢核清單").click()
    expect(page.get_by_text("已完成 14／14 項。")).to_be_visible()
    expect(page.locator("#checklist [data-ok=no]")).to_have_count(0)
    menu(page, "概覽").click()
    page.get_by_role("button", name="送校長核閱").click()
    expect(page.get_by_text("已將計畫送校長核閱。")).to_be_visible()
    expect(page.locator(".plan-status")).to_have_text("待校長核閱")

    # --- The principal reads it and approves ------------------------------------------------
    page.context.clear_cookies()
    login("lin")
    page.get_by_role("link", name="計畫", exact=True).first.click()
    page.get_by_role("link", name="國立臺中高級工業職業學校", exact=True).click()
    menu(page, "閱覽完整計畫").click()
    expect(page.get_by_text("深化學生學習品質，強化產學鏈結。")).to_be_visible()
    expect(page.get_by_text("學習共同體").first).to_be_visible()
    menu(page, "概覽").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="核閱通過並送出至教育部").click()
    expect(page.get_by_text("計畫已送出至教育部（第 1 版）。")).to_be_visible()
    expect(page.locator(".plan-status")).to_have_text("已送出")

    plan = Plan.objects.get(school=school)
    assert (plan.status, plan.versions.count()) == (PlanStatus.SUBMITTED, 1)
    assert plan.versions.get().snapshot["totals"]["grand"] == {
        "total": "22.500",
        "subsidy": "22.500",
        "own_funds": "0.000",
    }
