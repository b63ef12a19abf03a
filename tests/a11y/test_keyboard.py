"""The main tasks done with the keyboard alone, in Chinese (WCAG 2.1.1, 2.4.3, 2.4.7): the
school's coordinator adds a budget line, the principal approves the plan, a reviewer scores.

Nothing is clicked: focus moves with Tab, text is typed, lists change with the arrow keys,
buttons are pressed with Enter or Space. Each step also checks that focus is visible.
"""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from applications.enums import PlanStatus
from applications.models import BudgetLine, Plan
from review.enums import ReviewStatus
from review.models import Review
from tests.applications.builders import (
    add_line,
    add_subplan,
    awaiting_plan,
    line_values,
    started_plan,
    submitted_plan,
)
from tests.factories import UserFactory, evaluated_school, grant
from tests.review import builders as review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "portal-test-pw"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def is_focused(locator):
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, limit=250):
    """Press Tab until ``locator`` has focus, and check that its focus ring shows."""
    for _ in range(limit):
        if is_focused(locator):
            ring = locator.evaluate(
                "el => { const s = getComputedStyle(el);"
                " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2"
                " || s.boxShadow !== 'none'; }"
            )
            assert ring, "the focused element shows no focus indicator"
            return locator
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def type_into(page, locator, text):
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, select, label, limit=30):
    """Change a focused <select> with the arrow keys until ``label`` is chosen."""
    tab_to(page, select)
    for _ in range(limit):
        if select.evaluate("el => el.options[el.selectedIndex].text.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label} is not among the options")


def sign_in(page, username):
    page.goto("/accounts/login/")
    type_into(page, page.get_by_label("帳號"), username)
    type_into(page, page.get_by_label("密碼"), PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#user-menu")).to_be_visible()


@pytest.fixture
def school_people(db):
    school = evaluated_school(scores=["88"] * 8, name="國立臺中高級工業職業學校", code="193404")
    coordinator = grant(UserFactory(username="chen", name="chen"), "coordinator", school=school)
    principal = grant(UserFactory(username="lin", name="lin"), "principal", school=school)
    return school, coordinator, principal


def test_coordinator_adds_a_budget_line_with_the_keyboard(page, school_people):
    school, coordinator, _principal = school_people
    plan = started_plan(school, coordinator)
    add_subplan(plan, coordinator, 7, title="教師專業成長")
    year = plan.plan_years[0]

    sign_in(page, "chen")
    page.goto(f"/plans/{plan.pk}/budget/")
    panel = page.get_by_role("tabpanel", name=f"{year}學年度")
    choose(page, panel.get_by_label("子計畫", exact=True), "7-教師專業成長")
    choose(page, panel.get_by_label("經費類別", exact=True), "業務費")
    type_into(page, panel.get_by_label("項目", exact=True), "專家講座鐘點費")
    type_into(page, panel.get_by_label("單位", exact=True), "場")
    type_into(page, panel.get_by_label("數量", exact=True), "4")
    type_into(page, panel.get_by_label("單價（仟元）", exact=True), "2.5")
    type_into(page, panel.get_by_label("補助款（仟元）", exact=True), "10")
    choose(page, panel.get_by_label("執行期間", exact=True), "8–12 月（前一會計年度）")
    tab_to(page, panel.get_by_role("button", name="新增"))
    page.keyboard.press("Enter")

    expect(panel.locator(f"#lines-{year} tr", has_text="專家講座鐘點費")).to_be_visible()
    # The new line's form came back empty in place; focus is on its first field, and the
    # save was announced.
    expect(panel.get_by_label("子計畫", exact=True)).to_be_focused()
    expect(page.locator("#a11y-live")).to_have_text("已儲存。")
    line = BudgetLine.objects.get(plan=plan, name="專家講座鐘點費")
    assert (line.total, line.subsidy, line.academic_year) == (D("10.000"), D("10.000"), year)


def test_a_budget_line_conflict_takes_focus_and_is_announced(page, school_people):
    """Someone else saves the line being edited: the refusal takes focus and is spoken."""
    from applications import budget

    school, coordinator, _principal = school_people
    plan = started_plan(school, coordinator)
    subplan = add_subplan(plan, coordinator, 7, title="教師專業成長")
    year = plan.plan_years[0]
    line = add_line(plan, coordinator, subplan, year, name="講座鐘點費")

    sign_in(page, "chen")
    page.goto(f"/plans/{plan.pk}/budget/")
    tab_to(page, page.get_by_role("button", name="編輯 講座鐘點費"))
    page.keyboard.press("Enter")
    row = page.locator(f"#line-{line.pk}")
    expect(row.locator("select, input:not([type=hidden])").first).to_be_focused()
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(subplan, year, name="講座鐘點費", quantity=D("12")),
        revision=line.revision,
        by=coordinator,
    )
    type_into(page, row.get_by_label("數量", exact=True), "20")
    tab_to(page, row.get_by_role("button", name="儲存"))
    page.keyboard.press("Enter")

    alert = page.locator(f"#line-{line.pk}-conflict [role=alert]")
    expect(alert).to_be_focused()
    expect(page.locator("#a11y-live")).to_contain_text("編輯期間")


def test_principal_approves_the_plan_with_the_keyboard(page, school_people):
    school, coordinator, _principal = school_people
    plan = awaiting_plan(school, coordinator)
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, "lin")
    page.goto(f"/plans/{plan.pk}/")
    type_into(page, page.locator("#comment-approve"), "同意送出。")
    tab_to(page, page.get_by_role("button", name="核閱通過並送出至教育部"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("計畫已送出至教育部（第 1 版）。")).to_be_visible()
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.status == PlanStatus.SUBMITTED


def test_reviewer_scores_with_the_keyboard(page, school_people, ministry, committee_member):
    school, coordinator, principal = school_people
    plan = submitted_plan(school, coordinator, principal)
    committee = review.make_committee(ministry)
    round1 = review.open_round(review.first_round(committee), ministry)
    from review import services

    expert = services.committee_member_add(committee=committee, user=committee_member, by=ministry)
    assignment = review.assign(round1, expert, plan, ministry)
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, committee_member.username)
    page.goto(f"/review/assignments/{assignment.pk}/")
    for criterion in round1.criteria.all():
        type_into(
            page,
            page.get_by_label(criterion.name, exact=True),
            str(criterion.max_points * D("0.8")),
        )
    expect(page.locator("#review-total")).to_have_text("80.00")
    choose(page, page.get_by_label("審查建議"), "推薦")
    type_into(page, page.get_by_label("綜合意見"), "計畫完整，策略具體可行。")
    tab_to(page, page.get_by_role("button", name="送出評分"))
    page.keyboard.press("Space")

    expect(page.get_by_text("評分已送出，謝謝您。")).to_be_visible()
    review_row = Review.objects.get(assignment=assignment)
    assert (review_row.status, review_row.total) == (ReviewStatus.SUBMITTED, D("80.00"))
