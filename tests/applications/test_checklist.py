"""The submission checklist (selectors.plan_checklist): every rule the server enforces before a
plan goes to the principal and to the ministry (APP-2, APP-4 … APP-6, ITEM-1 … ITEM-3, NOTE-2,
BUD-1, BUD-5, ELIG-1)."""

from decimal import Decimal

import pytest
from django.utils.translation import override

from applications import services
from applications.enums import PlanKind, PlanStatus, SectionKey
from applications.models import DesignatedTeacher, Plan
from applications.selectors import plan_checklist
from applications.services import PlanError
from portal.programme.models import Phase
from tests.applications.builders import (
    SECTION_DATA,
    add_line,
    add_subplan,
    complete_plan,
    fill_sections,
    open_phase_now,
    started_plan,
)
from tests.factories import CycleFactory, UserFactory, evaluated_school, grant, set_scores

pytestmark = pytest.mark.django_db


def checks(plan):
    """(code, label, ok, detail) of every check, in English."""
    with override("en"):
        return [(c.code, c.label, c.ok, c.detail) for c in plan_checklist(plan)]


def failing(plan):
    return [(code, label, detail) for code, label, ok, detail in checks(plan) if not ok]


def plan_for(scores, username, **school_fields):
    school = evaluated_school(scores=scores, **school_fields)
    coordinator = grant(UserFactory(username=username), "coordinator", school=school)
    return started_plan(school, coordinator), coordinator


@pytest.fixture
def plan(school, coordinator):
    return started_plan(school, coordinator)


def test_plan_checklist_new_plan_lists_everything_missing(plan):
    """A fresh plan: every rule fails, with what is missing; basic data is prefilled."""
    assert failing(plan) == [
        ("APP-2", "School development goals", "School vision、School development goals"),
        (
            "APP-2",
            "School basic data",
            "Number of classes、Number of students、Number of full-time teachers",
        ),
        (
            "APP-2",
            "Current situation analysis and diagnosis",
            "Strengths (S)、Weaknesses (W)、Opportunities (O)、Threats (T)、"
            "Strategies drawn from the analysis",
        ),
        (
            "APP-5",
            "Self-management mechanism",
            "Organisation and division of work、How the plan is run (meetings, procedures)、"
            "Self-monitoring and improvement",
        ),
        ("ITEM-2", "A sub-plan for item 7 (增進學生學習品質)", ""),
        ("APP-6", "A sub-plan for inter-school exchange and observation events", ""),
        (
            "BUD-1",
            "A consistent budget for every year of the plan",
            "The budget has no line for academic year 116.；"
            "The budget has no line for academic year 117.；"
            "The budget has no line for academic year 118.",
        ),
        (
            "BUD-5",
            "Budget sign-off",
            "承辦人 (coordinator)、承辦主任 (director in charge)、主(會)計主任 (chief accountant)、"
            "校長 (principal)",
        ),
    ]


def test_plan_checklist_complete_plan_passes_every_check(plan, coordinator):
    complete_plan(plan, coordinator)
    assert [(code, ok) for code, _label, ok, _detail in checks(plan)] == [
        ("APP-2", True),
        ("APP-2", True),
        ("APP-2", True),
        ("APP-5", True),
        ("ITEM-2", True),
        ("APP-6", True),
        ("ITEM-1", True),
        ("ITEM-1", True),
        ("NOTE-2", True),
        ("BUD-1", True),
        ("BUD-5", True),
        ("ELIG-1", True),
        # Added by the indicators app through applications.hooks.
        ("IND-3", True),
        ("PERF-3", True),
    ]


def test_plan_checklist_each_url_leads_to_the_fix(plan):
    with override("en"):
        urls = {(c.code, c.label): c.url for c in plan_checklist(plan)}
    pk = plan.pk
    assert urls[("APP-2", "School development goals")] == f"/plans/{pk}/sections/goals/"
    assert urls[("APP-5", "Self-management mechanism")] == f"/plans/{pk}/sections/self_management/"
    assert urls[("ITEM-2", "A sub-plan for item 7 (增進學生學習品質)")] == (
        f"/plans/{pk}/subplans/new/?item=7"
    )
    assert urls[("APP-6", "A sub-plan for inter-school exchange and observation events")] == (
        f"/plans/{pk}/subplans/new/?exchange=1"
    )
    assert urls[("BUD-5", "Budget sign-off")] == f"/plans/{pk}/budget/#signoff"


# --- APP-2, APP-5: sections ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "code", "label"),
    [
        (SectionKey.GOALS, "APP-2", "School development goals"),
        (SectionKey.SITUATION, "APP-2", "Current situation analysis and diagnosis"),
        (SectionKey.BASIC_DATA, "APP-2", "School basic data"),
        (SectionKey.SELF_MANAGEMENT, "APP-5", "Self-management mechanism"),
    ],
)
def test_plan_checklist_section_required_app2_app5(plan, coordinator, key, code, label):
    complete_plan(plan, coordinator)
    section = plan.sections.get(key=key)
    emptied = {**section.data, next(iter(SECTION_DATA[key])): ""}
    services.section_save(
        plan=plan, key=key, data=emptied, revision=section.revision, by=coordinator
    )
    assert [(c, lbl) for c, lbl, _detail in failing(plan)] == [(code, label)]


def test_plan_checklist_self_management_one_field_missing_app5(plan, coordinator):
    complete_plan(plan, coordinator)
    section = plan.sections.get(key=SectionKey.SELF_MANAGEMENT)
    services.section_save(
        plan=plan,
        key=SectionKey.SELF_MANAGEMENT,
        data={**section.data, "monitoring": ""},
        revision=section.revision,
        by=coordinator,
    )
    assert failing(plan) == [
        ("APP-5", "Self-management mechanism", "Self-monitoring and improvement")
    ]


def test_plan_send_to_principal_incomplete_refused_with_missing_checks(plan, coordinator):
    fill_sections(plan, coordinator, keys=[SectionKey.GOALS])
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_send_to_principal(plan=plan, by=coordinator)
    assert str(refused.value) == "The plan is not complete yet."
    assert [c.code for c in refused.value.missing] == [
        "APP-2",
        "APP-2",
        "APP-5",
        "ITEM-2",
        "APP-6",
        "BUD-1",
        "BUD-5",
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


# --- APP-4: a follow-up plan reports the previous phase ------------------------------------------


def test_plan_checklist_follow_up_requires_previous_results_app4(school, coordinator):
    year = open_phase_now().start_year
    earlier = Phase.objects.create(name="第四期程", start_year=year - 3, end_year=year - 1)
    supported = Plan.objects.create(
        school=school,
        phase=earlier,
        kind=PlanKind.NEW,
        status=PlanStatus.APPROVED,
        application_year=earlier.start_year,
        created_by=coordinator,
    )
    supported.years.create(academic_year=earlier.start_year)
    plan = services.plan_start(school=school, by=coordinator)
    assert plan.kind == PlanKind.FOLLOW_UP
    complete_plan(plan, coordinator)  # fills previous results too
    section = plan.sections.get(key=SectionKey.PREVIOUS_RESULTS)
    services.section_save(
        plan=plan,
        key=SectionKey.PREVIOUS_RESULTS,
        data={},
        revision=section.revision,
        by=coordinator,
    )
    assert failing(plan) == [
        ("APP-4", "Results of the previous phase", "Concrete results of the previous phase")
    ]


def test_plan_checklist_new_plan_does_not_ask_previous_results_app4(plan, coordinator):
    fill_sections(plan, coordinator, keys=[SectionKey.GOALS])
    assert "APP-4" not in [code for code, *_rest in checks(plan)]


# --- APP-6, ITEM-1, ITEM-2, ITEM-3: sub-plans ---------------------------------------------------


def test_plan_checklist_exchange_subplan_required_app6(plan, coordinator):
    fill_sections(plan, coordinator)
    item7 = add_subplan(plan, coordinator, 7)
    for year in plan.plan_years:
        add_line(plan, coordinator, item7, year)
    assert failing(plan) == [
        ("APP-6", "A sub-plan for inter-school exchange and observation events", "")
    ]
    add_subplan(plan, coordinator, 4, exchange=True, title="校際交流")
    assert failing(plan) == []


def test_plan_checklist_item_7_always_required_item2(plan, coordinator):
    fill_sections(plan, coordinator)
    other = add_subplan(plan, coordinator, 3, exchange=True)
    for year in plan.plan_years:
        add_line(plan, coordinator, other, year)
    assert failing(plan) == [("ITEM-2", "A sub-plan for item 7 (增進學生學習品質)", "")]


def test_plan_checklist_subplan_missing_parts_and_a_year_item1(plan, coordinator):
    complete_plan(plan, coordinator)
    subplan = plan.subplans.get(item=7)
    subplan.owner = " "
    subplan.expected_qualitative = ""
    subplan.schedule = {"116": "第一年", "117": "第二年", "118": ""}
    services.subplan_save(plan=plan, subplan=subplan, revision=subplan.revision, by=coordinator)
    assert failing(plan) == [
        (
            "ITEM-1",
            "Sub-plan 7-項目7子計畫",
            "expected results (qualitative)、owner、schedule for academic year 118",
        )
    ]


def test_plan_checklist_subplan_every_part_missing_item1(plan, coordinator):
    complete_plan(plan, coordinator)
    subplan = plan.subplans.get(item=7)
    for name in ("goals", "strategies", "expected_quantitative", "expected_qualitative", "owner"):
        setattr(subplan, name, "")
    subplan.schedule = {}
    services.subplan_save(plan=plan, subplan=subplan, revision=subplan.revision, by=coordinator)
    assert failing(plan) == [
        (
            "ITEM-1",
            "Sub-plan 7-項目7子計畫",
            "goals、strategies and activities、expected results (quantitative)、"
            "expected results (qualitative)、owner、schedule for academic year 116、"
            "schedule for academic year 117、schedule for academic year 118",
        )
    ]


def test_plan_checklist_total_average_90_requires_items_8_and_9_item3():
    """ITEM-3: a latest total average of exactly 90 makes items 8 and 9 mandatory."""
    plan, coordinator = plan_for(["90"] * 8, "c90")
    complete_plan(plan, coordinator)
    assert failing(plan) == [
        ("ITEM-3", "A sub-plan for item 8 (深化教師專業發展)", ""),
        ("ITEM-3", "A sub-plan for item 9 (強化技職產學鏈結)", ""),
    ]
    add_subplan(plan, coordinator, 8)
    add_subplan(plan, coordinator, 9)
    assert failing(plan) == []


def test_plan_checklist_total_average_89_99_items_8_and_9_optional_item3():
    """ITEM-3: 89.99 (seven 90s and one 89.92) is under 90 — only item 7 is mandatory."""
    plan, coordinator = plan_for(["90"] * 7 + ["89.92"], "c8999")
    assert plan.school.evaluations.get().total_average == Decimal("89.99")
    complete_plan(plan, coordinator)
    assert failing(plan) == []
    assert [code for code, *_rest in checks(plan)].count("ITEM-3") == 0


def test_plan_checklist_latest_total_average_counts_item3(plan, coordinator, school):
    """ITEM-3 follows the latest evaluation: a newer cycle at 92 adds items 8 and 9."""
    complete_plan(plan, coordinator)
    newer = CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119)
    set_scores(school, ["92"] * 8, cycle=newer)
    assert [code for code, _label, _detail in failing(plan)] == ["ITEM-3", "ITEM-3"]


def test_plan_principal_approve_missing_item_refused_naming_it_item3(principal, ministry):
    plan, coordinator = plan_for(["95"] * 8, "c95")
    complete_plan(plan, coordinator, items=(7, 8, 9))
    services.plan_send_to_principal(plan=plan, by=coordinator)
    principal_of = grant(UserFactory(username="p95"), "principal", school=plan.school)
    # The item 9 sub-plan is removed while the plan awaits the principal (arranged directly).
    item9 = plan.subplans.get(item=9)
    item9.budget_lines.all().delete()
    item9.delete()
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_principal_approve(plan=plan, by=principal_of)
    assert str(refused.value) == (
        "The plan cannot be submitted: A sub-plan for item 9 (強化技職產學鏈結)"
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_PRINCIPAL


# --- NOTE-2, BUD-5, ELIG-1 ------------------------------------------------------------------


def test_plan_checklist_teacher_reduction_above_4_fails_note2(plan, coordinator):
    complete_plan(plan, coordinator)
    # A value stored before the rule was enforced (arranged directly).
    DesignatedTeacher.objects.create(plan=plan, name="陳老師", duties="執行", weekly_reduction=5)
    DesignatedTeacher.objects.create(plan=plan, name="林老師", duties="執行", weekly_reduction=4)
    assert failing(plan) == [
        ("NOTE-2", "Designated teachers' load reductions of at most 4 periods a week", "陳老師")
    ]


def test_plan_checklist_private_school_has_no_reduction_check_note2():
    plan, coordinator = plan_for(["85"] * 8, "c-private", ownership="private")
    complete_plan(plan, coordinator)
    DesignatedTeacher.objects.create(plan=plan, name="陳老師", duties="執行", weekly_reduction=6)
    assert "NOTE-2" not in [code for code, *_rest in checks(plan)]
    assert failing(plan) == []


def test_plan_checklist_signoff_names_required_bud5(plan, coordinator):
    complete_plan(plan, coordinator)
    section = plan.sections.get(key=SectionKey.SIGNOFF)
    services.section_save(
        plan=plan,
        key=SectionKey.SIGNOFF,
        data={**section.data, "accountant": "", "principal": ""},
        revision=section.revision,
        by=coordinator,
    )
    assert failing(plan) == [
        ("BUD-5", "Budget sign-off", "主(會)計主任 (chief accountant)、校長 (principal)")
    ]


def test_plan_checklist_school_no_longer_eligible_fails_elig1(plan, coordinator, school):
    complete_plan(plan, coordinator)
    newer = CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119)
    set_scores(school, ["85", "79", "85", "85", "85", "85", "85", "85"], cycle=newer)
    assert failing(plan) == [("ELIG-1", "The school is eligible to apply", "2. 行政管理")]
