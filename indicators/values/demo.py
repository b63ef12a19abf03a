"""Demo yearly values (issue 7, values part), called by ``indicators.demo.seed``.

- The demo school (``school`` / ``principal``) is supported in 113–115: its 113 values were
  signed off and accepted — some targets missed, including a lower-is-better one — and the
  window of the last finished year (114 at the end of 2026) is open, so a newcomer can report
  its values at once (on the page or from the Excel template).
- Three more schools supported in the same phase, so that the ministry's board, national
  table and charts have something to compare: 113 accepted everywhere; 114 submitted,
  returned with a comment, and awaiting the principal.

Values go through the services (the year's window is opened while they are entered, then set
to its real dates). Idempotent: a plan that already has a report of a year is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from applications.demo import DEMO_SCHOOL, _staff
from applications.enums import PlanKind, PlanStatus, YearStatus
from applications.models import Plan, PlanEvent, PlanSection, PlanYear, SubPlan
from applications.sections import SECTION_FORMS
from portal.accounts.models import User
from portal.programme import calendar
from portal.programme.models import Phase
from portal.schools.models import School

from ..enums import Direction, ReportStatus
from ..models import PlanIndicator, ReportingWindow, YearReport
from . import services
from .cleaning import clean_value

#: More schools supported in phase 113–115 (code, items covered, 114's report).
OTHER_SCHOOLS = [
    ("331402", (7, 4, 5), ReportStatus.SUBMITTED),
    ("053401", (7, 3, 8), ReportStatus.RETURNED),
    ("093406", (7, 2, 9), ReportStatus.AWAITING_PRINCIPAL),
]


def _historic_window(year: int) -> tuple[dt.date, dt.date]:
    """August to October after the year ended."""
    end = calendar.AcademicYear(year).end
    return end + dt.timedelta(days=1), end + dt.timedelta(days=92)


def _open_now(year: int) -> None:
    today = calendar.taipei_today()
    opens = min(calendar.AcademicYear(year).end + dt.timedelta(days=1), today)
    ReportingWindow.objects.update_or_create(
        academic_year=year,
        defaults={"opens_on": opens, "closes_on": max(today + dt.timedelta(days=30), opens)},
    )


def _close_as_it_was(year: int) -> None:
    opens, closes = _historic_window(year)
    ReportingWindow.objects.filter(academic_year=year).update(opens_on=opens, closes_on=closes)


def _actual(row: PlanIndicator, target: Decimal, miss: bool) -> dict:
    """What the school typed for one indicator: near the target, on its good side unless
    ``miss``; a quotient as numerator and denominator."""
    indicator = row.indicator
    lower = indicator.direction == Direction.LOWER
    step = max(abs(target) / 10, Decimal(1) if indicator.decimal_places == 0 else Decimal("0.5"))
    better = -step if lower else step
    actual = target - better if miss else target + better
    actual = max(actual, Decimal(0))
    if indicator.is_share_of_whole:
        actual = min(actual, Decimal(100))
    if indicator.is_quotient:
        denominator = Decimal(400) if indicator.scale == 100 else Decimal(80)
        numerator = (actual * denominator / indicator.scale).quantize(Decimal("1"))
        if indicator.is_share_of_whole:
            numerator = min(numerator, denominator)
        return {"numerator": str(numerator), "denominator": str(denominator)}
    places = indicator.decimal_places
    return {"value": str(actual.quantize(Decimal(1).scaleb(-places)))}


def typed_values(plan: Plan, year: int, *, misses: int) -> list[tuple[PlanIndicator, dict]]:
    """What the school types for the year: every indicator with a target, every
    ``misses``-th one and the first lower-is-better one missing it (used by the demo and the
    scale data)."""
    rows = list(
        PlanIndicator.objects.filter(plan=plan, not_applicable=False)
        .select_related("indicator")
        .prefetch_related("targets")
        .order_by("pk")
    )
    typed_rows = []
    lower_missed = False
    for index, row in enumerate(rows):
        target = next((t.value for t in row.targets.all() if t.academic_year == year), None)
        if target is None:
            continue
        miss = index % misses == 1
        if row.indicator.direction == Direction.LOWER and not lower_missed:
            miss = lower_missed = True
        typed = {
            **_actual(row, target, miss),
            "note": "依學務處、教務處統計資料填報" if index % 5 == 0 else "",
        }
        clean_value(row.indicator, **typed)  # a demo value is a valid value
        typed_rows.append((row, typed))
    return typed_rows


def _report_values(plan: Plan, year: int, by: User, *, misses: int) -> YearReport:
    """Enter every value of the year (``typed_values``)."""
    report = services.report_start(plan=plan, academic_year=year, by=by)
    for row, typed in typed_values(plan, year, misses=misses):
        services.value_save(report=report, plan_indicator=row, revision=None, by=by, **typed)
    return report


def _supported_plan(code: str, items, ministry) -> Plan | None:
    """A plan of phase 113–115 approved for ``code``, its targets set like a school would."""
    from ..demo import fill_plan_targets

    school = School.objects.filter(code=code).first()
    phase = Phase.objects.filter(start_year=113).first()
    if school is None or phase is None:
        return None
    existing = Plan.objects.filter(school=school, phase=phase).first()
    if existing:
        return existing
    coordinator, _principal = _staff(school)
    plan = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        application_year=113,
        created_by=coordinator,
    )
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, key=key, data={}) for key in SECTION_FORMS
    )
    for order, item in enumerate(items, 1):
        SubPlan.objects.create(plan=plan, item=item, title=f"項目{item}推動計畫", order=order)
    fill_plan_targets(plan, coordinator)
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    PlanEvent.objects.create(
        plan=plan,
        from_status=PlanStatus.DRAFT,
        to_status=PlanStatus.APPROVED,
        academic_year=113,
        actor=ministry,
        comment="核定（示範資料）",
    )
    for year in phase.years:
        PlanYear.objects.create(
            plan=plan,
            academic_year=year,
            status=YearStatus.PASSED if year < 115 else YearStatus.ACTIVE,
            approved_amount=Decimal("1200"),
            set_by=ministry,
        )
    return plan


def _walk(report: YearReport, plan: Plan, to: str, ministry) -> None:
    coordinator, principal = _staff(plan.school)
    if to == ReportStatus.DRAFT:
        return
    services.report_send_to_principal(report=report, by=coordinator)
    if to == ReportStatus.AWAITING_PRINCIPAL:
        return
    services.report_principal_approve(report=report, by=principal, comment="經核閱無誤。")
    if to == ReportStatus.RETURNED:
        services.report_return(
            report=report,
            by=ministry,
            comment="學生違規人次比率之分母與學務處統計不一致，請更正並附佐證。",
        )
    elif to == ReportStatus.ACCEPTED:
        services.report_accept(report=report, by=ministry, comment="受理。")


def _year_done(plan: Plan, year: int) -> bool:
    return YearReport.objects.filter(plan=plan, academic_year=year).exists()


@transaction.atomic
def seed_values() -> None:
    ministry = User.objects.filter(username="ministry").first()
    if ministry is None:
        return
    plans = []
    demo = (
        Plan.objects.filter(school__code=DEMO_SCHOOL, phase__start_year=113, years__isnull=False)
        .distinct()
        .first()
    )
    if demo is not None:
        plans.append((demo, None))
    for code, items, state in OTHER_SCHOOLS:
        plan = _supported_plan(code, items, ministry)
        if plan is not None:
            plans.append((plan, state))
    if not plans:
        return
    # 113: accepted for every school, some targets missed.
    _open_now(113)
    for plan, _state in plans:
        if not _year_done(plan, 113):
            coordinator, _principal = _staff(plan.school)
            report = _report_values(plan, 113, coordinator, misses=4)
            _walk(report, plan, ReportStatus.ACCEPTED, ministry)
    _close_as_it_was(113)
    # The last finished year (114 at the end of 2026): its window is open now; the demo
    # school has not started, the others are at every other step.
    open_year = calendar.AcademicYear.current().roc - 1
    _open_now(open_year)
    for plan, state in plans:
        if state is None or _year_done(plan, open_year):
            continue
        if not PlanYear.objects.filter(plan=plan, academic_year=open_year).exists():
            continue
        coordinator, _principal = _staff(plan.school)
        report = _report_values(plan, open_year, coordinator, misses=3)
        _walk(report, plan, state, ministry)
