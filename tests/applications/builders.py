"""Build plans in every state, through the services, for the applications tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications import budget, hooks, services
from applications.enums import ExpenseType, FiscalHalf, SectionKey
from applications.models import SubPlan
from portal.programme import calendar
from portal.programme.models import ApplicationWindow, Phase
from portal.programme.selectors import application_year

SECTION_DATA = {
    SectionKey.GOALS: {"vision": "適性揚才、務實致用", "goals": "提升學生學習成效與產學鏈結。"},
    SectionKey.BASIC_DATA: {"classes": 45, "students": 1520, "teachers": 120},
    SectionKey.SITUATION: {
        "strengths": "師資專業",
        "weaknesses": "設備老舊",
        "opportunities": "產業合作",
        "threats": "少子化",
        "strategies": "以特色課程吸引就近入學。",
    },
    SectionKey.SELF_MANAGEMENT: {
        "organisation": "優質化推動小組，校長召集。",
        "mechanism": "每月工作會議。",
        "monitoring": "每學期自我檢核。",
    },
    SectionKey.PREVIOUS_RESULTS: {"results": "前期程完成九項子計畫。"},
    SectionKey.SIGNOFF: {
        "coordinator": "陳組長",
        "director": "王主任",
        "accountant": "李主任",
        "principal": "林校長",
    },
}


def open_phase_now():
    """A phase starting in the academic year plans are filed for now, and its open window."""
    year = application_year()
    phase, _ = Phase.objects.get_or_create(
        start_year=year, defaults={"name": "第五期程", "end_year": year + 2}
    )
    today = calendar.taipei_today()
    ApplicationWindow.objects.update_or_create(
        academic_year=year,
        defaults={
            "opens_on": today - dt.timedelta(days=10),
            "closes_on": today + dt.timedelta(days=10),
        },
    )
    return phase


def close_window(plan):
    today = calendar.taipei_today()
    ApplicationWindow.objects.filter(academic_year=plan.application_year).update(
        opens_on=today - dt.timedelta(days=30), closes_on=today - dt.timedelta(days=1)
    )


def fill_sections(plan, by, keys=None):
    for key, data in SECTION_DATA.items():
        if keys is not None and key not in keys:
            continue
        section = plan.sections.get(key=key)
        services.section_save(
            plan=plan, key=key, data={**section.data, **data}, revision=section.revision, by=by
        )


def add_subplan(plan, by, item, *, exchange=False, title=None):
    subplan = SubPlan(
        item=item,
        is_exchange=exchange,
        title=title or f"項目{item}子計畫",
        goals="目標",
        strategies="策略與活動",
        schedule={str(y): f"{y}學年度執行" for y in plan.plan_years},
        expected_quantitative="參與教師 30 人",
        expected_qualitative="教學品質提升",
        owner="教務處",
    )
    subplan = services.subplan_save(plan=plan, subplan=subplan, revision=None, by=by)
    # What other apps ask of each covered item (the indicators' baselines and targets).
    hooks.fill_contributed_parts(plan, by)
    return subplan


def add_line(
    plan,
    by,
    subplan,
    year,
    *,
    expense_type=ExpenseType.BUSINESS,
    quantity="10",
    unit_price="1.5",
    subsidy=None,
    name="講座鐘點費",
    fiscal_half=FiscalHalf.SECOND,
):
    quantity = Decimal(quantity)
    unit_price = Decimal(unit_price)
    total = quantity * unit_price
    return budget.budget_line_save(
        plan=plan,
        line=None,
        values={
            "sub_plan": subplan,
            "academic_year": year,
            "expense_type": expense_type,
            "name": name,
            "unit": "式",
            "quantity": quantity,
            "unit_price": unit_price,
            "subsidy": Decimal(subsidy) if subsidy is not None else total,
            "fiscal_half": fiscal_half,
            "purpose": "",
        },
        revision=None,
        by=by,
    )


def complete_plan(plan, by, items=(7,)):
    """Everything the checklist asks for: sections, mandatory sub-plans, the exchange
    sub-plan, a budget line for each year, and what other apps' checks ask for."""
    fill_sections(plan, by)
    subplans = [add_subplan(plan, by, item) for item in items]
    subplans.append(add_subplan(plan, by, 1, exchange=True, title="校際交流觀摩"))
    for year in plan.plan_years:
        add_line(plan, by, subplans[0], year)
    return plan


def submitted_plan(school, coordinator, principal, items=(7,)):
    open_phase_now()
    plan = services.plan_start(school=school, by=coordinator)
    complete_plan(plan, coordinator, items=items)
    services.plan_send_to_principal(plan=plan, by=coordinator)
    services.plan_principal_approve(plan=plan, by=principal)
    plan.refresh_from_db()
    return plan


def now():
    return timezone.now()


def started_plan(school, coordinator):
    open_phase_now()
    return services.plan_start(school=school, by=coordinator)


def awaiting_plan(school, coordinator, items=(7,)):
    plan = started_plan(school, coordinator)
    complete_plan(plan, coordinator, items=items)
    return services.plan_send_to_principal(plan=plan, by=coordinator)


def plan_in(status, *, school, coordinator, principal, ministry):
    """A plan of ``school`` brought to ``status`` the way people would, through the services."""
    from applications.enums import PlanStatus

    if status == PlanStatus.DRAFT:
        return started_plan(school, coordinator)
    if status == PlanStatus.AWAITING_PRINCIPAL:
        return awaiting_plan(school, coordinator)
    plan = submitted_plan(school, coordinator, principal)
    if status == PlanStatus.SUBMITTED:
        return plan
    if status == PlanStatus.RETURNED:
        return services.plan_return(plan=plan, by=ministry, comment="請補充現況分析。")
    if status == PlanStatus.WITHDRAWN:
        return services.plan_withdraw(plan=plan, by=coordinator)
    plan = services.plan_review_start(plan=plan, by=ministry)
    if status == PlanStatus.UNDER_REVIEW:
        return plan
    if status == PlanStatus.APPROVED:
        return services.plan_decide(plan=plan, approve=True, by=ministry)
    if status == PlanStatus.REJECTED:
        return services.plan_decide(plan=plan, approve=False, by=ministry, comment="未通過複審。")
    raise ValueError(status)


def audit_actions(plan):
    """The audit trail of a plan, oldest first, as action names."""
    from portal.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(target_id=str(plan.pk), action__startswith="plan.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def line_values(subplan, year, **overrides):
    """The values of one budget line as the page sends them (before ``clean_line_values``)."""
    values = {
        "sub_plan": subplan,
        "academic_year": year,
        "expense_type": ExpenseType.BUSINESS,
        "name": "講座鐘點費",
        "unit": "時",
        "quantity": Decimal("10"),
        "unit_price": Decimal("2"),
        "subsidy": Decimal("20"),
        "fiscal_half": FiscalHalf.SECOND,
        "purpose": "",
    }
    values.update(overrides)
    return values
