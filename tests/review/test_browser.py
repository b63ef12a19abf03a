"""In Chromium, in Chinese: a reviewer scores and submits (SEL-1, SEL-2); ministry staff
confirm the round-1 passers (SEL-4) and approve a plan with its amounts after round 2
(SEL-6, BUD-5); the school then sees the decision without any reviewer's name."""

import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from applications.enums import PlanStatus
from review import selectors, services
from review.enums import ReviewStatus
from review.models import Review
from tests.review import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_scores_and_submits_in_the_browser(page, login, round1, ministry, expert, plan):
    """SEL-1, SEL-2: the reviewer finds the assignment from the menu, saves a draft, then
    submits; the weighted total is shown as they type and kept by the server."""
    assignment = builders.assign(round1, expert, plan, ministry)
    page.on("dialog", lambda dialog: dialog.accept())
    login(expert.user.username)
    page.get_by_role("link", name="審查").first.click()
    expect(page.get_by_role("heading", name="我的審查")).to_be_visible()
    page.get_by_role("link", name="評分").click()
    expect(page.get_by_role("heading", name=re.compile(plan.school.name))).to_be_visible()

    criteria = list(round1.criteria.all())
    for criterion in criteria[:3]:
        page.get_by_label(criterion.name, exact=True).fill(str(criterion.max_points * D("0.5")))
    page.get_by_role("button", name="儲存草稿").click()
    expect(page.get_by_text("草稿已儲存，請於截止前送出。")).to_be_visible()
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT

    for criterion in criteria:
        page.get_by_label(criterion.name, exact=True).fill(str(criterion.max_points * D("0.8")))
    expect(page.locator("#review-total")).to_have_text("80.00")
    page.get_by_label("審查建議").select_option(label="推薦")
    page.get_by_label("綜合意見").fill("計畫完整，策略具體可行。")
    page.get_by_role("button", name="送出評分").click()
    expect(page.get_by_text("評分已送出，謝謝您。")).to_be_visible()
    expect(page.get_by_text(re.compile("加權總分 80.00"))).to_be_visible()
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.total) == (ReviewStatus.SUBMITTED, D("80.00"))


def test_ministry_confirms_passers_and_approves_with_amounts_in_the_browser(
    page, login, committee, round1, ministry, expert, industry, plan, other_plan, coordinator
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
        builders.submit(builders.assign(round1, member, other_plan, ministry), "0.5")
    page.on("dialog", lambda dialog: dialog.accept())
    login(ministry.username)
    page.goto(f"/review/rounds/{round1.pk}/ranking/")
    expect(page.get_by_label(f"{plan.school.name}通過")).to_be_checked()
    expect(page.get_by_label(f"{other_plan.school.name}通過")).not_to_be_checked()
    page.get_by_role("button", name="確認通過名單").click()
    expect(page.get_by_text("已確認審查結果並通知學校。")).to_be_visible()
    assert selectors.passed_first_round(committee) == {plan.pk}

    # Round 2, scheduled and scored through the services, then confirmed in the browser.
    round2 = builders.open_round(builders.second_round(committee), ministry)
    services.visit_save(
        rnd=round2,
        plan=plan,
        values=builders.visit_values(),
        attendees=[expert, industry],
        by=ministry,
    )
    for assignment in round2.assignments.select_related("member__user", "round"):
        builders.submit(assignment, "0.85")
    page.goto(f"/review/rounds/{round2.pk}/ranking/")
    page.get_by_role("button", name="確認通過名單").click()
    expect(page.get_by_text("已確認審查結果並通知學校。")).to_be_visible()

    page.goto(f"/review/plans/{plan.pk}/")
    first = plan.plan_years[0]
    page.get_by_label(f"{first}學年度核定補助款（仟元）").fill("12.500")
    page.get_by_label("附帶條件（如有）").fill("請依核定金額修正經費概算表。")
    page.get_by_role("button", name="依上列金額核定").click()
    expect(page.get_by_text(re.compile("計畫已核定"))).to_be_visible()
    plan.refresh_from_db()
    assert (plan.status, plan.budget_revision_due) == (PlanStatus.APPROVED, True)
    assert plan.years.get(academic_year=first).approved_amount == D("12.500")

    # The school sees the decision, without the reviewers' names.
    page.context.clear_cookies()
    login(coordinator.username)
    page.goto(f"/plans/{plan.pk}/")
    panel = page.locator("#review-decision")
    expect(panel).to_contain_text("核定")
    expect(panel).to_contain_text("12.500")
    body = page.content()
    assert expert.user.display_name not in body and industry.user.display_name not in body


def test_confirmation_guard_names_the_unscored_school_in_the_browser(
    page, login, round1, ministry, expert, industry, plan, other_plan
):
    """Issue 10 §1: after the deadline, an application short of its reviews blocks the
    confirmation and is named; left out with a reason, the round can be confirmed."""
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
    builders.submit(builders.assign(round1, expert, other_plan, ministry), "0.6")
    builders.close_round(round1, ministry)
    page.on("dialog", lambda dialog: dialog.accept())
    login(ministry.username)
    page.goto(f"/review/rounds/{round1.pk}/ranking/")
    gaps = page.locator("#confirmation-gaps")
    expect(gaps).to_contain_text("尚不能確認審查結果")
    expect(gaps).to_contain_text(f"{other_plan.school.name}（已送出 1 份評分，應有 2 份）")
    expect(page.get_by_role("button", name="確認通過名單")).to_have_count(0)
    expect(page.locator("#confirm-refusal")).to_be_visible()

    page.get_by_text(f"將{other_plan.school.name}列為本階段不予審查").click()
    page.get_by_label("不予審查的理由").fill("學校來函撤回申請")
    page.get_by_role("button", name="依此理由列為不予審查").click()
    expect(
        page.get_by_text(f"{other_plan.school.name}已列為不予審查，理由已記錄。")
    ).to_be_visible()
    expect(page.locator("#confirmation-gaps")).to_have_count(0)
    page.get_by_role("button", name="確認通過名單").click()
    expect(page.get_by_text("已確認審查結果並通知學校。")).to_be_visible()
    expect(page.locator(f"#rank-{other_plan.pk}")).to_contain_text("不予審查")
    assert selectors.passed_first_round(round1.committee) == {plan.pk}


def test_school_reads_its_feedback_in_the_browser(
    page, login, committee, ministry, expert, industry, plan, coordinator
):
    """Issue 10 §3: ministry staff edit the prefilled consolidated comments when confirming
    round 1; the school reads them with its result, without a reviewer's name or score."""
    round1 = builders.open_round(builders.first_round(committee), ministry)
    for member, text in ((expert, "策略具體。"), (industry, "指標需量化。")):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9", comment=text)
    page.on("dialog", lambda dialog: dialog.accept())
    login(ministry.username)
    page.goto(f"/review/rounds/{round1.pk}/ranking/")
    box = page.get_by_label(f"{plan.school.name}的綜合意見")
    expect(box).to_have_value("1. 策略具體。\n2. 指標需量化。")
    box.fill("委員會綜合意見：策略具體，請將指標量化。")
    page.get_by_role("button", name="確認通過名單").click()
    expect(page.get_by_text("已確認審查結果並通知學校。")).to_be_visible()

    page.context.clear_cookies()
    login(coordinator.username)
    page.goto(f"/plans/{plan.pk}/")
    panel = page.locator("#review-result")
    expect(panel).to_contain_text("通過")
    expect(panel).to_contain_text("委員會綜合意見：策略具體，請將指標量化。")
    body = page.content()
    assert expert.user.display_name not in body and industry.user.display_name not in body
    assert "90.00" not in body
