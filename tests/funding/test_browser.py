"""The programme budget in the browser, in Chinese (APP-7): ministry staff set next year's
budget, try to approve a plan past it and are refused with the amount over, raise the budget
and approve; the home page shows the committed total."""

import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from applications.enums import PlanStatus
from funding import selectors
from review import services
from tests.factories import SchoolFactory
from tests.review import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ministry_sets_the_budget_and_an_approval_over_it_is_refused_in_the_browser(
    page, login, committee, ministry, expert, industry, plan, make_plan
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    builders.through_round_two(committee, ministry, plan, [expert, industry])
    first = plan.plan_years[0]
    requested = services.requested_subsidy(plan)
    make_plan(SchoolFactory(), first, {first: "1000"})
    page.on("dialog", lambda dialog: dialog.accept())
    login(ministry.username)

    # Set next year's budget: room for the request less 0.5 thousand.
    page.get_by_role("button", name="系統管理").click()
    page.get_by_role("link", name="方案年度預算").click()
    expect(page.get_by_role("heading", name="方案年度預算", exact=True)).to_be_visible()
    page.goto(f"/budget/{first}/")
    budget = D("1000") + requested[first] - D("0.5")
    page.get_by_label("方案年度預算（仟元）").fill(str(budget))
    page.get_by_label("依據文件").fill("臺教國署高字第1160000001號")
    page.get_by_role("button", name="儲存預算").click()
    expect(page.get_by_text(re.compile("已儲存.*方案年度預算"))).to_be_visible()
    expect(page.locator("#history-table")).to_contain_text("臺教國署高字第1160000001號")

    # The decision page shows the year's budget and that the request would go over.
    page.goto(f"/review/plans/{plan.pk}/")
    panel = page.locator("#budget-panel")
    expect(panel).to_contain_text(f"{budget:,.3f}")
    expect(panel).to_contain_text("超出預算")
    page.get_by_role("button", name="依上列金額核定").click()
    refusal = page.locator("#approve-form .alert-danger")
    expect(refusal).to_contain_text("將超出本方案年度預算 0.500 仟元")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW

    # Raise the budget first, then the approval fits.
    page.goto(f"/budget/{first}/")
    page.get_by_label("方案年度預算（仟元）").fill(str(budget + D("0.5")))
    page.get_by_label("備註").fill("追加預算")
    page.get_by_role("button", name="儲存預算").click()
    page.goto(f"/review/plans/{plan.pk}/")
    page.get_by_role("button", name="依上列金額核定").click()
    expect(page.get_by_text(re.compile("計畫已核定"))).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert selectors.positions([first])[0].free == D("0.000")

    # The home page shows what is committed.
    page.goto("/")
    card = page.locator("#funding-home-table")
    expect(card).to_contain_text(f"{D('1000') + requested[first]:,.3f}")
