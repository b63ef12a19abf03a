"""In Chromium, in Chinese: the school explains its missed target and sends its results
report, the principal signs it off, ministry staff decide "continue with conditions", and the
school reads the outcome — the consolidated opinion, the condition — and gets the notice PDF
(PERF-1, PERF-6, OVS-2, SCHED-3); the outcome page first says it waits for the panel's visit
(OVS-1)."""

import re

import pytest
from playwright.sync_api import expect

from applications.enums import YearStatus
from assessment.enums import ReportStatus
from assessment.models import Outcome, ResultsReport
from tests.assessment.builders import (
    approved_plan,
    open_window,
    started_report,
    visited,
    write_report,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_to_outcome_to_notice_in_the_browser(
    page, login, school, coordinator, principal, ministry
):
    plan = approved_plan(school, ministry)
    open_window()
    # The routine parts are written already; the missed target is the school's to explain.
    report = write_report(started_report(plan, coordinator), coordinator, explain=False)
    page.on("dialog", lambda dialog: dialog.accept())

    login(coordinator.username)
    page.goto("/assessment/")
    page.get_by_role("link", name="開啟").first.click()
    expect(page.get_by_text("請說明「學生違規人次比率」未達目標值的原因。")).to_be_visible()
    page.get_by_role("link", name="撰寫成果報告書").click()
    # The editor's autosave listens once htmx has started: type only after the page loaded.
    page.wait_for_url(f"**/assessment/reports/{report.pk}/edit/")
    page.wait_for_load_state()
    card = page.locator("[id^=indicator-]").filter(has_text="學生違規人次比率")
    card.get_by_label("未達目標值原因").fill("新生人數增加，違規人次略升。")
    expect(card.get_by_text(re.compile("已於 .* 儲存"))).to_be_visible()
    page.get_by_role("link", name="完成，回到成果報告書").click()
    page.get_by_role("button", name="送校長核定").click()
    expect(page.get_by_text("成果報告書已送校長核定。")).to_be_visible()

    page.context.clear_cookies()
    login(principal.username)
    page.goto(f"/assessment/reports/{report.pk}/")
    page.get_by_role("button", name="核定並送出").click()
    expect(page.get_by_text("成果報告書已送出。")).to_be_visible()
    assert ResultsReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    page.context.clear_cookies()
    login(ministry.username)
    page.goto("/assessment/board/?year=114")
    row = page.locator("tr.board-row").filter(has_text=school.name)
    expect(row).to_contain_text("已送出")
    row.get_by_role("link", name="登錄結果").click()
    # The outcome waits for the panel's recorded visit (OVS-1, OVS-2): the page says so.
    expect(page.locator("#outcome-missing")).to_contain_text("考評小組尚未於 114 學年度訪視學校")
    expect(page.get_by_role("button", name="登錄考核結果")).to_have_count(0)
    visited(plan, ministry)
    page.reload()
    page.get_by_label("附條件繼續辦理").check()
    page.get_by_label("考評小組綜合意見（學校可見）").fill("整體執行良好，請補強學務輔導。")
    page.locator("#id_condition_1").fill("補送學務輔導改善計畫")
    page.locator("#id_due_1").fill("115/12/31")
    page.get_by_role("button", name="登錄考核結果").click()
    expect(page.get_by_text("考核結果已登錄，並已通知學校。")).to_be_visible()
    outcome = Outcome.objects.get(plan=plan)
    assert outcome.decision == "conditions"
    assert plan.years.get(academic_year=114).status == YearStatus.PASSED

    page.context.clear_cookies()
    login(coordinator.username)
    page.goto("/assessment/")
    page.locator("#outcomes-heading").locator("xpath=..").get_by_role("link", name="開啟").click()
    expect(page.locator("#decision")).to_have_text("附條件繼續辦理")
    expect(page.locator("#opinion")).to_contain_text("整體執行良好，請補強學務輔導。")
    expect(page.get_by_text("補送學務輔導改善計畫")).to_be_visible()
    expect(page.get_by_text("115年12月31日")).to_be_visible()
    page.get_by_role("button", name="重新產生通知書").click()
    expect(page.get_by_role("link", name=re.compile("下載"))).to_be_visible(timeout=60000)
