"""The budget estimate (經費概算表): lines, totals and caps (BUD-1 … BUD-5, budget.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from applications import budget, services
from applications.budget import budget_problems, budget_summary, clean_line_values
from applications.enums import ExpenseType, FiscalHalf, PlanStatus
from applications.models import BudgetLine, PlanEvent, PlanYear
from applications.services import PlanError
from portal.audit.models import AuditEntry
from tests.applications.builders import (
    add_line,
    add_subplan,
    audit_actions,
    complete_plan,
    line_values,
    plan_in,
    started_plan,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def plan(school, coordinator):
    return started_plan(school, coordinator)


@pytest.fixture
def subplan(plan, coordinator):
    return add_subplan(plan, coordinator, 7)


def refusal(plan, **overrides):
    """The errors ``clean_line_values`` gives for one line, in English."""
    subplan = overrides.pop("sub_plan", None) or plan.subplans.get()
    with override("en"), pytest.raises(ValidationError) as refused:
        clean_line_values(plan, line_values(subplan, plan.application_year, **overrides))
    return refused.value.message_dict


# --- BUD-1: one line ---------------------------------------------------------------------------


def test_clean_line_values_total_is_quantity_times_unit_price_bud1(plan, subplan):
    """BUD-1: 3 × 1.234 = 3.702 exactly; own funds = 3.702 − 3 = 0.702."""
    cleaned = clean_line_values(
        plan,
        line_values(subplan, 116, quantity=D("3"), unit_price=D("1.234"), subsidy=D("3")),
    )
    assert (cleaned["total"], cleaned["subsidy"], cleaned["own_funds"]) == (
        D("3.702"),
        D("3.000"),
        D("0.702"),
    )
    assert (str(cleaned["total"]), str(cleaned["own_funds"])) == ("3.702", "0.702")


def test_clean_line_values_fractional_quantity_whole_dollars_accepted_bud1(plan, subplan):
    """2.5 × 1.112 = 2.780: whole NT dollars, accepted."""
    cleaned = clean_line_values(
        plan, line_values(subplan, 116, quantity=D("2.5"), unit_price=D("1.112"), subsidy=D("0"))
    )
    assert (str(cleaned["total"]), str(cleaned["own_funds"])) == ("2.780", "2.780")


def test_clean_line_values_total_not_whole_dollars_refused_bud1(plan, subplan):
    """2.5 × 1.111 = 2.7775 thousand: half a dollar — refused."""
    assert refusal(plan, quantity=D("2.5"), unit_price=D("1.111"), subsidy=D("1")) == {
        "unit_price": ["Quantity × unit price must come to whole NT dollars (3 decimals in 仟元)."]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_price", D("1.2345"), "At most 3 decimals (whole NT dollars)."),
        ("subsidy", D("1.0005"), "At most 3 decimals (whole NT dollars)."),
        ("quantity", D("1.005"), "At most 2 decimals."),
        ("quantity", D("-1"), "Amounts cannot be negative."),
        ("subsidy", D("-0.001"), "Amounts cannot be negative."),
    ],
)
def test_clean_line_values_bad_number_refused_bud1(plan, subplan, field, value, message):
    assert refusal(plan, **{field: value})[field] == [message]


def test_clean_line_values_subsidy_above_total_refused_bud2(plan, subplan):
    assert refusal(plan, quantity=D("1"), unit_price=D("5"), subsidy=D("5.001")) == {
        "subsidy": ["The subsidy cannot be more than the total."]
    }


def test_clean_line_values_missing_fields_refused(plan, subplan):
    errors = refusal(plan, name=" ", unit="", quantity=None, expense_type="", fiscal_half="x")
    assert errors == {
        "name": ["This field is required."],
        "unit": ["This field is required."],
        "quantity": ["This field is required."],
        "expense_type": ["Choose an expense type."],
        "fiscal_half": ["Choose when the money is spent."],
    }


def test_budget_line_save_stores_exact_amounts_and_audits_bud1(plan, subplan, coordinator):
    line = add_line(
        plan, coordinator, subplan, 116, quantity="12", unit_price="0.833", subsidy="9.5"
    )
    line.refresh_from_db()
    assert (line.total, line.subsidy, line.own_funds, line.revision, line.order) == (
        D("9.996"),
        D("9.500"),
        D("0.496"),
        0,
        1,
    )
    entry = AuditEntry.objects.get(action="budget.line.add")
    assert (entry.after["total"], entry.after["own_funds"]) == ("9.996", "0.496")


def test_budget_line_total_not_split_refused_by_database_bud1(plan, subplan, coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            plan=plan,
            sub_plan=subplan,
            academic_year=116,
            expense_type=ExpenseType.BUSINESS,
            name="講座",
            unit="時",
            quantity=1,
            unit_price=10,
            total=10,
            subsidy=6,
            own_funds=3,
        )


def test_budget_line_save_change_recomputes_and_bumps_revision_bud1(plan, subplan, coordinator):
    line = add_line(plan, coordinator, subplan, 116)
    values = line_values(subplan, 116, quantity=D("4"), unit_price=D("2.5"), subsidy=D("6"))
    changed = budget.budget_line_save(
        plan=plan, line=line, values=values, revision=0, by=coordinator
    )
    assert (changed.total, changed.own_funds, changed.revision) == (D("10.000"), D("4.000"), 1)
    assert AuditEntry.objects.filter(action="budget.line.change").count() == 1


def test_budget_line_delete_removes_and_audits(plan, subplan, coordinator):
    line = add_line(plan, coordinator, subplan, 116)
    budget.budget_line_delete(plan=plan, line=line, revision=0, by=coordinator)
    assert plan.budget_lines.count() == 0
    assert AuditEntry.objects.get(action="budget.line.remove").before["name"] == "講座鐘點費"


# --- BUD-2: lines belong to the plan's sub-plans -------------------------------------------------


def test_clean_line_values_sub_plan_of_another_plan_refused_bud2(
    plan, subplan, other_school, other_coordinator
):
    other_plan = started_plan(other_school, other_coordinator)
    foreign = add_subplan(other_plan, other_coordinator, 7)
    assert refusal(plan, sub_plan=foreign) == {"sub_plan": ["Choose one of this plan's sub-plans."]}


def test_clean_line_values_year_outside_phase_refused_bud2(plan, subplan):
    assert refusal(plan, academic_year=plan.phase.end_year + 1) == {
        "academic_year": ["Choose a year of the phase."]
    }


# --- BUD-2, BUD-3: totals on a hand-made budget ------------------------------------------------


@pytest.fixture
def hand_made(plan, coordinator):
    """Two sub-plans, six lines over three years and both halves of the academic year.

    | year | sub-plan | type      | qty × price   | total  | subsidy | spent   | fiscal |
    | 116  | A (7)    | 業務費    | 10 × 2        | 20.000 | 20.000  | Aug–Dec | 116    |
    | 116  | A (7)    | 雜支      | 1 × 1.5       | 1.500  | 1.000   | Jan–Jul | 117    |
    | 116  | B (1)    | 設備費    | 2 × 30.25     | 60.500 | 50.000  | Jan–Jul | 117    |
    | 117  | A (7)    | 業務費    | 4 × 3.125     | 12.500 | 12.500  | Aug–Dec | 117    |
    | 117  | B (1)    | 人事費    | 1 × 8         | 8.000  | 0.000   | Jan–Jul | 118    |
    | 118  | B (1)    | 業務費    | 3 × 0.333     | 0.999  | 0.999   | Aug–Dec | 118    |
    """
    a = add_subplan(plan, coordinator, 7, title="學習共同體")
    b = add_subplan(plan, coordinator, 1, exchange=True, title="校際交流觀摩")
    first, second = FiscalHalf.FIRST, FiscalHalf.SECOND
    rows = [
        (a, 116, ExpenseType.BUSINESS, "10", "2", "20", first),
        (a, 116, ExpenseType.MISC, "1", "1.5", "1", second),
        (b, 116, ExpenseType.EQUIPMENT, "2", "30.25", "50", second),
        (a, 117, ExpenseType.BUSINESS, "4", "3.125", "12.5", first),
        (b, 117, ExpenseType.PERSONNEL, "1", "8", "0", second),
        (b, 118, ExpenseType.BUSINESS, "3", "0.333", "0.999", first),
    ]
    for sub, year, kind, quantity, price, subsidy, half in rows:
        add_line(
            plan,
            coordinator,
            sub,
            year,
            expense_type=kind,
            quantity=quantity,
            unit_price=price,
            subsidy=subsidy,
            fiscal_half=half,
        )
    return plan, a, b


def money(m):
    return (str(m.total), str(m.subsidy), str(m.own_funds))


def test_budget_summary_totals_per_year_bud2(hand_made):
    plan, _a, _b = hand_made
    assert plan.phase.years == [116, 117, 118]
    summary = budget_summary(plan)
    assert [(y.year, money(y.money)) for y in summary.years] == [
        (116, ("82.000", "71.000", "11.000")),
        (117, ("20.500", "12.500", "8.000")),
        (118, ("0.999", "0.999", "0.000")),
    ]
    assert money(summary.grand) == ("103.499", "84.499", "19.000")
    assert summary.line_count == 6


def test_budget_summary_totals_per_group_and_type_bud1(hand_made):
    plan, _a, _b = hand_made
    year = budget_summary(plan).year(116)
    assert [(g.group, money(g.money)) for g in year.groups] == [
        ("current", ("21.500", "21.000", "0.500")),
        ("capital", ("60.500", "50.000", "10.500")),
    ]
    # 人事費 and 行政管理費 only appear in a year that has such lines.
    assert [(t.expense_type, str(t.money.total)) for t in year.groups[0].types] == [
        ("business", "20.000"),
        ("misc", "1.500"),
    ]
    assert [t.expense_type for t in budget_summary(plan).year(117).groups[0].types] == [
        "business",
        "personnel",
        "misc",
    ]
    assert (str(year.business), str(year.overhead)) == ("20.000", "0.000")


def test_budget_summary_totals_per_subplan_and_item_bud2(hand_made):
    plan, _a, _b = hand_made
    summary = budget_summary(plan)
    per_subplan = {
        sub.title: ({y: money(m) for y, m in per_year.items()}, money(total))
        for sub, per_year, total in summary.by_subplan
    }
    assert per_subplan == {
        "校際交流觀摩": (
            {
                116: ("60.500", "50.000", "10.500"),
                117: ("8.000", "0.000", "8.000"),
                118: ("0.999", "0.999", "0.000"),
            },
            ("69.499", "50.999", "18.500"),
        ),
        "學習共同體": (
            {116: ("21.500", "21.000", "0.500"), 117: ("12.500", "12.500", "0.000")},
            ("34.000", "33.500", "0.500"),
        ),
    }
    assert [(n, name, money(m)) for n, name, m in summary.by_item] == [
        (1, "落實全面品質提升", ("69.499", "50.999", "18.500")),
        (7, "增進學生學習品質", ("34.000", "33.500", "0.500")),
    ]


def test_budget_summary_totals_per_fiscal_year_bud3(hand_made):
    """BUD-3: 116 Aug–Dec → fiscal 116; 116 Jan–Jul and 117 Aug–Dec → 117; and so on."""
    plan, _a, _b = hand_made
    summary = budget_summary(plan)
    assert [(fy, money(m)) for fy, m in summary.by_fiscal_year] == [
        (116, ("20.000", "20.000", "0.000")),
        (117, ("74.500", "63.500", "11.000")),
        (118, ("8.999", "0.999", "8.000")),
        (119, ("0.000", "0.000", "0.000")),
    ]
    parts = {(x.academic_year, x.fiscal_half, x.fiscal_year) for x in plan.budget_lines.all()}
    assert sorted(parts) == [
        (116, "first", 116),
        (116, "second", 117),
        (117, "first", 117),
        (117, "second", 118),
        (118, "first", 118),
    ]


def test_budget_summary_as_dict_is_plain_strings_bud2(hand_made):
    plan, _a, _b = hand_made
    data = budget_summary(plan).as_dict()
    assert data["grand"] == {"total": "103.499", "subsidy": "84.499", "own_funds": "19.000"}
    assert data["years"]["117"] == {"total": "20.500", "subsidy": "12.500", "own_funds": "8.000"}
    assert data["fiscal_years"]["116"] == {
        "total": "20.000",
        "subsidy": "20.000",
        "own_funds": "0.000",
    }
    assert data["items"]["7"] == {"total": "34.000", "subsidy": "33.500", "own_funds": "0.500"}


def test_budget_problems_year_without_lines_app2(plan, subplan, coordinator):
    """APP-2: the budget is planned for every year of the phase."""
    add_line(plan, coordinator, subplan, 117)
    with override("en"):
        assert budget_problems(plan) == [
            "The budget has no line for academic year 116.",
            "The budget has no line for academic year 118.",
        ]


# --- BUD-4: personnel costs and administrative overhead -----------------------------------------


def test_clean_line_values_personnel_subsidy_refused_bud4(plan, subplan):
    assert refusal(
        plan,
        expense_type=ExpenseType.PERSONNEL,
        quantity=D("1"),
        unit_price=D("8"),
        subsidy=D("0.001"),
    ) == {"subsidy": ["Personnel costs cannot be paid from the subsidy."]}


def test_clean_line_values_personnel_from_own_funds_accepted_bud4(plan, subplan):
    cleaned = clean_line_values(
        plan,
        line_values(
            subplan,
            116,
            expense_type=ExpenseType.PERSONNEL,
            quantity=D("1"),
            unit_price=D("8"),
            subsidy=D("0"),
        ),
    )
    assert (str(cleaned["subsidy"]), str(cleaned["own_funds"])) == ("0.000", "8.000")


def test_budget_line_personnel_subsidy_refused_by_database_bud4(plan, subplan):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            plan=plan,
            sub_plan=subplan,
            academic_year=116,
            expense_type=ExpenseType.PERSONNEL,
            name="臨時人員",
            unit="月",
            quantity=1,
            unit_price=10,
            total=10,
            subsidy=1,
            own_funds=9,
        )


def with_overhead(plan, coordinator, subplan, overhead):
    """業務費 100.000 in every year, and ``overhead`` of 行政管理費 in the first."""
    for year in plan.plan_years:
        add_line(plan, coordinator, subplan, year, quantity="1", unit_price="100")
    add_line(
        plan,
        coordinator,
        subplan,
        116,
        expense_type=ExpenseType.ADMIN_OVERHEAD,
        name="行政管理費",
        quantity="1",
        unit_price=overhead,
    )


def budget_check(plan):
    from applications.selectors import plan_checklist

    with override("en"):
        return next(c for c in plan_checklist(plan) if c.code == "BUD-1")


def test_overhead_at_exactly_15_percent_passes_bud4(plan, subplan, coordinator):
    with_overhead(plan, coordinator, subplan, "15")
    check = budget_check(plan)
    assert (check.ok, check.detail) == (True, "")


def test_overhead_above_15_percent_fails_checklist_with_numbers_bud4(plan, subplan, coordinator):
    with_overhead(plan, coordinator, subplan, "15.001")
    check = budget_check(plan)
    assert (check.ok, check.detail) == (
        False,
        "Academic year 116: administrative overhead 15.001 is more than 15% of 業務費 (15.000).",
    )


def test_overhead_cap_follows_the_setting_bud4(plan, subplan, coordinator, settings):
    settings.PORTAL_BUDGET_OVERHEAD_CAP = "0.10"
    with_overhead(plan, coordinator, subplan, "10.001")
    assert budget_check(plan).detail == (
        "Academic year 116: administrative overhead 10.001 is more than 10% of 業務費 (10.000)."
    )
    line = plan.budget_lines.get(expense_type=ExpenseType.ADMIN_OVERHEAD)
    values = line_values(
        subplan, 116, expense_type=ExpenseType.ADMIN_OVERHEAD, unit_price=D("10"), quantity=D("1")
    )
    values["subsidy"] = D("10")
    budget.budget_line_save(plan=plan, line=line, values=values, revision=0, by=coordinator)
    assert budget_check(plan).ok is True


def test_overhead_cap_counts_only_business_expenses_bud4(plan, subplan, coordinator):
    """The cap is a share of 業務費: 設備費 and 雜支 do not raise it."""
    with_overhead(plan, coordinator, subplan, "15")
    add_line(plan, coordinator, subplan, 116, expense_type=ExpenseType.EQUIPMENT, unit_price="100")
    add_line(
        plan,
        coordinator,
        subplan,
        116,
        expense_type=ExpenseType.ADMIN_OVERHEAD,
        quantity="1",
        unit_price="0.001",
    )
    assert budget_check(plan).detail == (
        "Academic year 116: administrative overhead 15.001 is more than 15% of 業務費 (15.000)."
    )


# --- BUD-5: an approved amount below the request --------------------------------------------


@pytest.fixture
def under_review(school, coordinator, principal, ministry):
    """Each year asks 15.000 of subsidy (10 × 1.5)."""
    return plan_in(
        PlanStatus.UNDER_REVIEW,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )


def test_plan_decide_amounts_covering_request_no_revision_bud5(under_review, ministry):
    plan = services.plan_decide(
        plan=under_review, approve=True, by=ministry, amounts={116: D("15"), 117: D("15")}
    )
    assert (plan.status, plan.budget_revision_due) == (PlanStatus.APPROVED, False)
    assert {y.academic_year: y.approved_amount for y in PlanYear.objects.filter(plan=plan)} == {
        116: D("15.000"),
        117: D("15.000"),
        118: None,
    }
    assert services.plan_budget_editable(plan) is False


def test_plan_decide_amount_below_request_reopens_budget_bud5(under_review, ministry, coordinator):
    plan = services.plan_decide(
        plan=under_review, approve=True, by=ministry, amounts={116: D("10"), 117: D("15")}
    )
    assert (plan.status, plan.budget_revision_due) == (PlanStatus.APPROVED, True)
    assert services.plan_budget_editable(plan) is True
    with override("en"):
        assert budget_problems(plan) == [
            "Academic year 116: the subsidy requested (15.000) is more than the approved "
            "amount (10.000)."
        ]
    # The budget opens again, the text does not.
    line = plan.budget_lines.get(academic_year=116)
    values = line_values(line.sub_plan, 116, quantity=D("10"), unit_price=D("1.5"), subsidy=D("10"))
    changed = budget.budget_line_save(
        plan=plan, line=line, values=values, revision=line.revision, by=coordinator
    )
    assert (str(changed.subsidy), str(changed.own_funds)) == ("10.000", "5.000")
    with pytest.raises(PlanError):
        services.section_save(
            plan=plan, key="goals", data={"vision": "改"}, revision=1, by=coordinator
        )


def test_plan_budget_revision_submit_over_approved_refused_bud5(under_review, ministry, principal):
    plan = services.plan_decide(
        plan=under_review, approve=True, by=ministry, amounts={116: D("10")}
    )
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_budget_revision_submit(plan=plan, by=principal)
    assert str(refused.value) == (
        "The revised budget does not fit yet: Academic year 116: the subsidy requested "
        "(15.000) is more than the approved amount (10.000)."
    )
    plan.refresh_from_db()
    assert (plan.budget_revision_due, plan.versions.count()) == (True, 1)


def test_plan_budget_revision_submit_once_revised_creates_version_bud5(
    under_review,
    ministry,
    coordinator,
    principal,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    plan = services.plan_decide(
        plan=under_review, approve=True, by=ministry, amounts={116: D("10")}
    )
    line = plan.budget_lines.get(academic_year=116)
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, unit_price=D("1.5"), subsidy=D("10")),
        revision=line.revision,
        by=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = services.plan_budget_revision_submit(plan=plan, by=principal, comment="")
    plan.refresh_from_db()
    assert (version.number, version.submitted_by, plan.status, plan.budget_revision_due) == (
        2,
        principal,
        PlanStatus.APPROVED,
        False,
    )
    assert version.snapshot["totals"]["years"]["116"] == {
        "total": "15.000",
        "subsidy": "10.000",
        "own_funds": "5.000",
    }
    event = PlanEvent.objects.filter(plan=plan).last()
    assert (event.from_status, event.to_status, event.actor) == ("approved", "approved", principal)
    assert audit_actions(plan)[-1] == "plan.budget_revision"
    assert sorted(m.to[0] for m in mailoutbox) == [
        coordinator.email,
        "ministry-user@example.edu.tw",
    ]
    # Revised: the budget is closed again.
    assert services.plan_budget_editable(plan) is False
    with pytest.raises(PlanError):
        add_line(plan, coordinator, line.sub_plan, 116)


@pytest.mark.parametrize("who", ["coordinator", "ministry"])
def test_plan_budget_revision_submit_by_other_than_principal_refused_bud5(
    request, under_review, ministry, who
):
    plan = services.plan_decide(
        plan=under_review, approve=True, by=ministry, amounts={116: D("10")}
    )
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_budget_revision_submit(plan=plan, by=request.getfixturevalue(who))
    assert str(refused.value) == "Only the principal of this school can submit the revised budget."


def test_plan_budget_revision_submit_when_none_due_refused_bud5(under_review, ministry, principal):
    plan = services.plan_decide(plan=under_review, approve=True, by=ministry)
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_budget_revision_submit(plan=plan, by=principal)
    assert str(refused.value) == "No budget revision is due for this plan."


def test_budget_replace_all_or_nothing_bud1(plan, subplan, coordinator):
    add_line(plan, coordinator, subplan, 116)
    rows = [clean_line_values(plan, line_values(subplan, y)) for y in (116, 117, 118)]
    assert budget.budget_replace(plan=plan, rows=rows, by=coordinator) == 3
    assert [line.academic_year for line in budget.budget_lines(plan)] == [116, 117, 118]
    assert AuditEntry.objects.get(action="budget.import").after["lines"] == 3


def test_complete_plan_budget_is_consistent(school, coordinator):
    plan = complete_plan(started_plan(school, coordinator), coordinator)
    assert budget_problems(plan) == []
