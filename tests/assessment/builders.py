"""Build an approved plan in its second year (114 reported at FIXED_NOW, 115 running), with
indicator targets, the year's values (one target missed) and an approved budget; and results
reports in every state, through the assessment's services.

The plan, its targets and values are set directly: they belong to the applications and
indicators tests; everything about the assessment goes through the services under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from applications.enums import ExpenseType
from applications.models import BudgetLine
from assessment import services
from assessment.enums import ExecutionState
from indicators.enums import ReportStatus as ValuesStatus
from indicators.models import PlanIndicator, YearReport, YearValue
from portal.programme import calendar
from tests.indicators.values_builders import YEAR, open_window, supported_plan

__all__ = ["YEAR", "open_window"]

#: The year's actual values: T02 (lower is better, target 4) misses with 4.5.
VALUES = {"T01": "50", "T02": "4.5", "T03": "12", "T04": "12.5"}
MISSED = "T02"


def approved_plan(school, by, *, values=True):
    plan = supported_plan(school, by)
    subplan = plan.subplans.order_by("item").first()
    for name, expense_type, amount in (
        ("講座鐘點費", ExpenseType.BUSINESS, "100"),
        ("教學設備", ExpenseType.EQUIPMENT, "50"),
    ):
        BudgetLine.objects.create(
            plan=plan,
            sub_plan=subplan,
            academic_year=YEAR,
            expense_type=expense_type,
            name=name,
            unit="式",
            quantity=Decimal("1"),
            unit_price=Decimal(amount),
            total=Decimal(amount),
            subsidy=Decimal(amount),
            own_funds=Decimal("0"),
        )
    if values:
        report_values(plan, by)
    return plan


def report_values(plan, by, year=YEAR, values=VALUES):
    report = YearReport.objects.create(
        plan=plan, school=plan.school, academic_year=year, status=ValuesStatus.SUBMITTED
    )
    for row in PlanIndicator.objects.filter(plan=plan).select_related("indicator"):
        YearValue.objects.create(
            report=report, plan_indicator=row, value=Decimal(values[row.indicator.key])
        )
    return report


def missed(plan):
    return PlanIndicator.objects.get(plan=plan, indicator__key=MISSED)


def write_report(report, by, *, explain=True, spent=("95", "50")):
    """Fill every part the checklist asks for (the missed target explained unless told)."""
    for execution in report.executions.all():
        services.part_save(
            report=report,
            part=execution,
            values={
                "state": ExecutionState.DONE,
                "activities": "辦理教師專業社群 6 場",
                "dates": "114/09/01–115/06/30",
                "participants": "45",
            },
            revision=None,
            by=by,
        )
    for evaluation in report.item_evaluations.all():
        services.part_save(
            report=report,
            part=evaluation,
            values={"achieved": "完成預定目標", "self_assessment": "大致達成。"},
            revision=None,
            by=by,
        )
    if explain:
        services.part_save(
            report=report,
            part=services.explanation_for(report, missed(report.plan)),
            values={"explanation": "新生人數增加，違規人次略升。", "actions": "加強輔導"},
            revision=None,
            by=by,
        )
    for line, amount in zip(report.budget_executions.order_by("pk"), spent, strict=True):
        services.part_save(
            report=report,
            part=line,
            values={"spent": amount, "reason": ""},
            revision=None,
            by=by,
        )
    report.refresh_from_db()
    return report


def started_report(plan, coordinator, year=YEAR):
    return services.report_start(plan=plan, academic_year=year, by=coordinator)


def submitted_report(plan, coordinator, principal, year=YEAR):
    open_window(year)
    report = write_report(started_report(plan, coordinator, year), coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    services.report_principal_approve(report=report, by=principal)
    report.refresh_from_db()
    return report


def due(days=30):
    return calendar.taipei_today() + dt.timedelta(days=days)


def visited(plan, ministry, member_user=None, year=YEAR):
    """The evaluation panel of ``year`` visited the school: the visit recorded (minutes and
    attendance), a finding and a rating (OVS-1) — what the outcome rests on besides the
    report. Returns the member's assignment."""
    from django.utils import timezone

    from assessment.models import Panel
    from portal.accounts.models import User
    from tests.factories import UserFactory, grant

    if member_user is None:
        username = f"visiting-member-{plan.pk}"
        member_user = User.objects.filter(username=username).first() or grant(
            UserFactory(username=username), "panel"
        )
    panel = Panel.objects.filter(academic_year=year).first() or services.panel_create(
        academic_year=year, name=f"{year}學年度考評小組", levels=["優", "甲", "乙"], by=ministry
    )
    member = panel.members.filter(user=member_user).first() or services.member_add(
        panel=panel, user=member_user, by=ministry
    )
    assignment = member.assignments.filter(school=plan.school).first() or (
        services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    )
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=3),
        place="行政大樓會議室",
        by=ministry,
    )
    services.visit_record(
        visit=visit,
        minutes="聽取簡報、檢視佐證資料。",
        school_attendees="校長、承辦人",
        members_present=[member],
        by=member_user,
    )
    services.finding_save(assignment=assignment, item=7, text="子計畫依進度執行。", by=member_user)
    services.rating_save(
        assignment=assignment,
        rating=panel.levels.order_by("order").last(),
        opinion="良好",
        by=member_user,
    )
    return assignment


def ready_for_outcome(plan, coordinator, principal, ministry, member_user=None, year=YEAR):
    """Everything the outcome of ``year`` rests on: the report submitted, the visit recorded
    with its findings and a rating (PERF-6, OVS-1, OVS-2)."""
    report = submitted_report(plan, coordinator, principal, year)
    visited(plan, ministry, member_user, year)
    return report
