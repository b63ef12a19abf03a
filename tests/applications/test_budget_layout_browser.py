"""The budget page at 1366 × 768 and on a phone, in Chinese: the plan's menu does not push
the table below the fold, the add-line inputs have labels, the running total shows as you
type, and no console error (content-security-policy violations included)."""

from unittest import mock

import pytest

from tests.applications.builders import complete_plan, started_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def live_server():
    from django.test.testcases import _MediaFilesHandler
    from pytest_django.live_server_helper import LiveServer

    with mock.patch.object(_MediaFilesHandler, "get_base_url", lambda self: "/__no-media__/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_budget_page_fits_and_totals_as_you_type(page, login, school, coordinator, width, height):
    plan = complete_plan(started_plan(school, coordinator), coordinator)
    year = plan.plan_years[0]
    problems = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size({"width": width, "height": height})
    login(coordinator.username)
    page.goto(f"/plans/{plan.pk}/budget/")

    # The table starts within the first screen: the plan's menu is one row above it.
    table = page.locator(f"#budget-table-{year}")
    assert table.bounding_box()["y"] < height
    menu = page.locator(".plan-nav-row")
    assert menu.is_visible()
    assert menu.bounding_box()["height"] < 60
    assert page.get_by_role("link", name="經費概算表", exact=True).is_visible()

    # Every input of the new line has a label; the total and own funds follow the typing.
    row = page.locator(f"#new-row-{year}")
    for label in (
        "子計畫",
        "經費類別",
        "項目",
        "單位",
        "數量",
        "單價（仟元）",
        "補助款（仟元）",
        "說明",
    ):
        assert row.get_by_label(label, exact=True).count() == 1, label
    row.get_by_label("數量", exact=True).fill("12")
    row.get_by_label("單價（仟元）", exact=True).fill("1.5")
    row.get_by_label("補助款（仟元）", exact=True).fill("10")
    assert row.locator('output[data-live="total"]').inner_text() == "18.000"
    assert row.locator('output[data-live="own_funds"]').inner_text() == "8.000"
    assert problems == []
