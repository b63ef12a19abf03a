"""Build supported plans with targets and reporting windows for the yearly values' tests.

The plan's approval and targets are set directly (they belong to the applications and the
targets' own tests); everything about the values goes through the services under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.enums import PlanKind, PlanStatus, YearStatus
from applications.models import Plan, PlanYear, SubPlan
from indicators.enums import Direction, IndicatorKind
from indicators.models import (
    CatalogueVersion,
    Indicator,
    IndicatorItem,
    PlanIndicator,
    PlanTarget,
    ReportingWindow,
)
from portal.programme import calendar
from portal.programme.models import Phase

#: The year whose values are reported at FIXED_NOW (115學年度 is running; 114 ended in July).
YEAR = 114


def phase4():
    phase, _ = Phase.objects.get_or_create(
        start_year=113, defaults={"name": "第四期程", "end_year": 115}
    )
    return phase


def catalogue():
    version, _ = CatalogueVersion.objects.get_or_create(
        start_year=90, defaults={"label": "測試指標", "published_at": timezone.now()}
    )
    return version


def indicator(
    name,
    *,
    key,
    kind=IndicatorKind.RATIO,
    unit="%",
    scale=100,
    share=True,
    direction=Direction.HIGHER,
    places=2,
    items=(7,),
    denominator_label="",
):
    found = Indicator.objects.filter(version=catalogue(), key=key).first()
    if found:
        return found
    quotient = kind == IndicatorKind.RATIO
    made = Indicator.objects.create(
        version=catalogue(),
        key=key,
        name=name,
        kind=kind,
        unit=unit,
        scale=scale if quotient or denominator_label else 1,
        is_share_of_whole=share and kind == IndicatorKind.RATIO,
        decimal_places=places,
        direction=direction,
        numerator_label="分子" if quotient else "",
        denominator_label=denominator_label or ("分母" if quotient else ""),
    )
    for number in items:
        IndicatorItem.objects.create(indicator=made, item=number)
    return made


def standard_indicators():
    """A share of a whole (items 7 and 8: one indicator, two items), a lower-is-better rate,
    a count, and a plain ratio that may exceed 1."""
    return {
        "share": indicator("導入合作學習策略教師人數比", key="T01", items=(7, 8)),
        "lower": indicator("學生違規人次比率", key="T02", direction=Direction.LOWER, items=(7,)),
        "count": indicator(
            "專科教室數量",
            key="T03",
            kind=IndicatorKind.COUNT,
            unit="間",
            scale=1,
            share=False,
            places=0,
            items=(7,),
        ),
        "plain": indicator("生師比", key="T04", unit="", scale=1, share=False, items=(8,)),
    }


TARGETS = {
    # key: (baseline, {year: target})
    "share": ("40", {113: "45", 114: "50", 115: "55"}),
    "lower": ("5", {113: "4.5", 114: "4", 115: "3.5"}),
    "count": ("10", {113: "11", 114: "12", 115: "13"}),
    "plain": ("12", {113: "12", 114: "12", 115: "12"}),
}


def supported_plan(school, by, *, items=(7, 8), targets=True):
    """An approved plan of phase 113–115 for ``school``, supported in 113, 114 and 115, with a
    target for every standard indicator."""
    plan = Plan.objects.create(
        school=school,
        phase=phase4(),
        kind=PlanKind.NEW,
        application_year=113,
        status=PlanStatus.APPROVED,
        created_by=by,
    )
    for year, status in (
        (113, YearStatus.PASSED),
        (114, YearStatus.ACTIVE),
        (115, YearStatus.ACTIVE),
    ):
        PlanYear.objects.create(plan=plan, academic_year=year, status=status, set_by=by)
    for item in items:
        SubPlan.objects.create(plan=plan, item=item, title=f"項目{item}子計畫")
    if targets:
        for name, made in standard_indicators().items():
            baseline, yearly = TARGETS[name]
            row = PlanIndicator.objects.create(
                plan=plan, indicator=made, baseline=Decimal(baseline)
            )
            for year, value in yearly.items():
                PlanTarget.objects.create(
                    plan_indicator=row, academic_year=year, value=Decimal(value)
                )
    return plan


def plan_indicator(plan, key):
    return PlanIndicator.objects.select_related("indicator").get(plan=plan, indicator__key=key)


def open_window(year=YEAR, *, days_left=30):
    today = calendar.taipei_today()
    window, _ = ReportingWindow.objects.update_or_create(
        academic_year=year,
        defaults={
            "opens_on": max(
                calendar.AcademicYear(year).end + dt.timedelta(days=1),
                today - dt.timedelta(days=60),
            ),
            "closes_on": today + dt.timedelta(days=days_left),
        },
    )
    return window


def close_window(year=YEAR):
    today = calendar.taipei_today()
    ReportingWindow.objects.filter(academic_year=year).update(
        opens_on=calendar.AcademicYear(year).end + dt.timedelta(days=1),
        closes_on=today - dt.timedelta(days=1),
    )


FULL = {
    "T01": {"numerator": "30", "denominator": "60"},  # 50.00 % — met (= target)
    "T02": {"numerator": "9", "denominator": "200"},  # 4.50 % — lower is better: not met
    "T03": {"value": "12"},  # met
    "T04": {"numerator": "1500", "denominator": "120"},  # 12.5 — met
}


def report_all(report, plan, by, values=FULL):
    from indicators.values import services

    for key, typed in values.items():
        services.value_save(
            report=report,
            plan_indicator=plan_indicator(plan, key),
            revision=None,
            by=by,
            **typed,
        )
    report.refresh_from_db()
    return report


def submitted_report(plan, coordinator, principal, year=YEAR):
    from indicators.values import services

    open_window(year)
    report = services.report_start(plan=plan, academic_year=year, by=coordinator)
    report_all(report, plan, coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    services.report_principal_approve(report=report, by=principal)
    report.refresh_from_db()
    return report
