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
