"""The budget workbook imported in a browser, in Chinese: the upload returns at once, the page
follows the reading, shows the lines, and applies them once confirmed; a workbook past the
row cap is refused with a clear message."""

from unittest import mock

import pytest
from playwright.sync_api import expect

from applications.budget_import import MAX_ROWS
from tests.applications.builders import add_subplan, started_plan
from tests.portal.imports.workbooks import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["學年度", "子計畫", "經費類別", "項目名稱", "單位", "數量", "單價(仟元)", "補助款(仟元)"]
GOOD = [116, "7-學習共同體", "業務費", "講座鐘點費", "時", 2, 1.5, 3]


@pytest.fixture(scope="module")
def live_server():
    from django.test.testcases import _MediaFilesHandler
    from pytest_django.live_server_helper import LiveServer

    with mock.patch.object(_MediaFilesHandler, "get_base_url", lambda self: "/__no-media__/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


def upload(page, plan, tmp_path, data):
    path = tmp_path / "經費概算表.xlsx"
    path.write_bytes(data)
    page.goto(f"/plans/{plan.pk}/budget/import/")
    page.get_by_label("活頁簿").set_input_files(str(path))
    page.get_by_label("我了解匯入將取代經費概算表的所有項目。").check()
    page.get_by_role("button", name="匯入", exact=True).click()


def test_budget_import_read_in_the_background_then_confirmed(
    page, login, school, coordinator, tmp_path
):
    plan = started_plan(school, coordinator)
    add_subplan(plan, coordinator, 7, title="學習共同體")
    login(coordinator.username)
    upload(page, plan, tmp_path, xlsx(HEADER, GOOD, 3))
    expect(page.get_by_text("已讀取 3 列。")).to_be_visible()
    expect(page.locator("#import-preview tbody tr")).to_have_count(3)
    page.get_by_role("button", name="確認匯入").click()
    expect(page.get_by_text("經費概算表已更新為匯入的 3 個項目。")).to_be_visible()
    assert plan.budget_lines.count() == 3


def test_budget_import_past_the_row_cap_refused(page, login, school, coordinator, tmp_path):
    plan = started_plan(school, coordinator)
    add_subplan(plan, coordinator, 7, title="學習共同體")
    login(coordinator.username)
    upload(page, plan, tmp_path, xlsx(HEADER, GOOD, 195_000))
    expect(page.get_by_role("alert").filter(has_text="未匯入任何資料。")).to_contain_text(
        f"檔案超過 {MAX_ROWS} 列：每次匯入最多 {MAX_ROWS} 列。"
    )
    assert plan.budget_lines.count() == 0


def test_budget_import_page_follows_a_reading_in_the_background(
    page, login, school, coordinator, tmp_path, settings
):
    """As without a broker: the reading runs in a thread after the upload's response, and the
    page polls until the lines are read."""
    settings.PORTAL_DOCUMENTS_IN_THREAD = True
    plan = started_plan(school, coordinator)
    add_subplan(plan, coordinator, 7, title="學習共同體")
    login(coordinator.username)
    upload(page, plan, tmp_path, xlsx(HEADER, GOOD, 2500))
    expect(page.get_by_text("已讀取 2500 列。")).to_be_visible()
    expect(page.get_by_role("button", name="確認匯入")).to_be_visible()
    assert plan.budget_lines.count() == 0
