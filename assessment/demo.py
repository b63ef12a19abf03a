"""Demo data of the performance assessment (run after the indicators' demo).

Four schools supported in phase 113–115, 113 passed, whose 114 results report was written
and submitted inside the open reporting window (every missed target explained):

- 023402: awaiting the evaluation panel's visit (scheduled; no outcome, so 115 cannot start);
- 153401: visited, rated, continue: 114 passed;
- 143402: continue with conditions, one still open;
- 163401: support ended (中止輔助): 114 and 115 closed, no follow-up plan for the next phase.

The demo school (``school``, 193404) has its own 114 report in draft: one missed target to
explain and the budget execution to fill, the panel's visit on the calendar; see
``_demo_school``. The panel of 114 has the demo ``panel`` account as a member (with a
declared conflict with a school it is not assigned), and the demo school has a commendation
and a nomination. Everything goes through the services; a school that already has a plan of
the phase (or its report) is left alone (idempotent).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applications.demo import DEMO_SCHOOL, _staff
from applications.enums import PlanKind, YearStatus
from applications.models import Plan
from indicators.attainment import plan_attainment
from indicators.enums import Attainment
from portal.accounts.models import User
from portal.programme import calendar
from portal.programme.models import Phase
from portal.schools.models import School

from . import services
from .enums import Decision, ExecutionState, NominationKind, NomineeRole
from .models import Panel, ResultsReport

YEAR = 114
#: A supported school the demo ``panel`` member declared a conflict with (not assigned).
CONFLICTED = "331402"
SCENARIOS = [
    ("023402", (7, 3), "visit"),
    ("153401", (7, 8), "continue"),
    ("143402", (7, 4), "conditions"),
    ("163401", (7, 9), "end"),
]


def _plan(code: str, items, ministry) -> Plan | None:
    from indicators.demo import approved_plan

    school = School.objects.filter(code=code).first()
    phase = Phase.objects.filter(start_year=113).first()
    if school is None or phase is None or Plan.objects.filter(school=school, phase=phase).exists():
        return None
    coordinator, _principal = _staff(school)
    return approved_plan(
        school,
        phase,
        items,
        coordinator=coordinator,
        ministry=ministry,
        year=YEAR,
        application_year=YEAR,
    )


def _values(plan: Plan) -> None:
    from indicators.values import services as values
    from indicators.values.demo import _report_values

    coordinator, principal = _staff(plan.school)
    report = _report_values(plan, YEAR, coordinator, misses=9)
    values.report_send_to_principal(report=report, by=coordinator)
    values.report_principal_approve(report=report, by=principal, comment="經核閱無誤。")


def _routine_parts(report: ResultsReport, coordinator) -> None:
    """The summary, what each sub-plan carried out and each item's self-evaluation."""
    year = report.academic_year
    services.summary_save(
        report=report,
        summary="本學年度依核定計畫推動各子計畫，教師社群與實作課程如期辦理。",
        revision=0,
        by=coordinator,
    )
    for execution in report.executions.all():
        services.part_save(
            report=report,
            part=execution,
            values={
                "state": ExecutionState.DONE,
                "activities": "辦理教師研習 4 場、專業社群 6 次、學生實作課程 2 班",
                "dates": f"{year}/09/01–{year + 1}/06/30",
                "participants": "86",
            },
            revision=None,
            by=coordinator,
        )
    for evaluation in report.item_evaluations.all():
        services.part_save(
            report=report,
            part=evaluation,
            values={
                "achieved": "教師專業社群運作穩定，學生學習成效提升。",
                "self_assessment": "大致達成預期成效，部分指標受新生人數影響。",
                "improvements": "加強跨處室協調。",
            },
            revision=None,
            by=coordinator,
        )


def start_report(plan: Plan, year: int, coordinator) -> ResultsReport:
    """The year's report started, its routine parts written; what was spent and why targets
    were missed still to fill (a report being written)."""
    report = services.report_start(plan=plan, academic_year=year, by=coordinator)
    _routine_parts(report, coordinator)
    return report


def write_report(plan: Plan, year: int, coordinator, principal, *, submit=True) -> ResultsReport:
    """The year's results report written in full — every missed (or unreported) target
    explained, 95 % of each budget line spent — and, if ``submit``, sent and signed off
    inside the year's reporting window. Used by the demo and the scale data."""
    report = start_report(plan, year, coordinator)
    for result in plan_attainment(plan, year).results:
        if result.status in (Attainment.NOT_MET, Attainment.NOT_REPORTED):
            services.part_save(
                report=report,
                part=services.explanation_for(report, result.plan_indicator),
                values={
                    "explanation": "受新生人數變動影響，未達預期目標。",
                    "actions": "下學年度加強輔導並調整策略。",
                },
                revision=None,
                by=coordinator,
            )
    for line in report.budget_executions.all():
        spent = (line.approved * Decimal("0.95")).quantize(Decimal("0.001"))
        services.part_save(
            report=report, part=line, values={"spent": str(spent)}, revision=None, by=coordinator
        )
    if submit:
        services.report_send_to_principal(report=report, by=coordinator)
        services.report_principal_approve(report=report, by=principal, comment="同意送出。")
    return report


def _report(plan: Plan) -> ResultsReport:
    coordinator, principal = _staff(plan.school)
    return write_report(plan, YEAR, coordinator, principal)


def _panel(ministry) -> Panel:
    panel = Panel.objects.filter(academic_year=YEAR).first()
    if panel:
        return panel
    panel = services.panel_create(
        academic_year=YEAR,
        name="114學年度考評小組",
        levels=["優等", "甲等", "乙等", "丙等"],
        by=ministry,
    )
    member = User.objects.filter(username="panel").first()
    if member:
        added = services.member_add(panel=panel, user=member, by=ministry)
        conflict = School.objects.filter(code=CONFLICTED).first()
        if conflict:
            services.member_conflicts_set(
                member=added, schools=[conflict], note="曾任該校兼任教師", by=member
            )
    return panel


def _evaluate(panel: Panel, plan: Plan, ministry, *, visited: bool):
    member = panel.members.select_related("user").first()
    assignment = None
    if member:
        assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    now = timezone.now()
    starts = now - dt.timedelta(days=10) if visited else now + dt.timedelta(days=10)
    visit = services.visit_schedule(
        panel=panel, plan=plan, starts_at=starts, place="行政大樓第一會議室", by=ministry
    )
    if not visited or assignment is None:
        return
    user = member.user
    services.visit_record(
        visit=visit,
        minutes="聽取簡報、檢視佐證資料、訪談教師與學生代表。",
        school_attendees="校長、教務主任、實習主任、承辦人",
        members_present=[member],
        by=user,
    )
    for item in plan.subplans.values_list("item", flat=True):
        services.finding_save(
            assignment=assignment, item=item, text="子計畫依進度執行，佐證資料完整。", by=user
        )
    services.rating_save(
        assignment=assignment,
        rating=panel.levels.order_by("order")[1],
        opinion="整體執行良好，經費執行率可再提升。",
        by=user,
    )
    services.recommendation_add(
        assignment=assignment, item=7, text="建議擴大教師專業社群參與人數。", by=user
    )


def _one_miss_values(plan: Plan, coordinator) -> None:
    """The school's values of the year, typed but not yet signed off: every target met but
    one (a lower-is-better indicator where there is one)."""
    from indicators.enums import Direction
    from indicators.models import PlanIndicator, YearReport
    from indicators.values import services as values
    from indicators.values.demo import _actual

    if YearReport.objects.filter(plan=plan, academic_year=YEAR).exists():
        return
    rows = [
        (row, target)
        for row in PlanIndicator.objects.filter(plan=plan, not_applicable=False)
        .select_related("indicator")
        .prefetch_related("targets")
        .order_by("pk")
        for target in [t.value for t in row.targets.all() if t.academic_year == YEAR][:1]
    ]
    if not rows:
        return
    lower = [row for row, _target in rows if row.indicator.direction == Direction.LOWER]
    missed = lower[0] if lower else rows[0][0]
    report = values.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    for row, target in rows:
        values.value_save(
            report=report,
            plan_indicator=row,
            revision=None,
            by=coordinator,
            note="",
            **_actual(row, target, row.pk == missed.pk),
        )


def _demo_school(panel: Panel, ministry) -> None:
    """The demo school (``school``) writes its 114 report: the routine parts are in, one
    missed target is left to explain and the budget execution to fill; ``panel`` is assigned
    and the visit is on the calendar (two hours before seeding), so the whole year can be
    walked — sent, signed off by ``principal``, visited, decided — and only then may the plan
    go on into 115.
    The school's 114 was marked passed by hand before the assessment existed: the outcome
    decides it now, so it is opened again."""
    from applications import services as plan_services
    from applications.models import PlanYear

    school = School.objects.filter(code=DEMO_SCHOOL).first()
    plan = (
        Plan.objects.filter(school=school, phase__start_year=113, years__academic_year=YEAR)
        .select_related("phase", "school")
        .first()
    )
    if plan is None or ResultsReport.objects.filter(plan=plan, academic_year=YEAR).exists():
        return
    coordinator, _principal = _staff(school)
    year = PlanYear.objects.get(plan=plan, academic_year=YEAR)
    if year.status == YearStatus.PASSED and not plan.outcomes.filter(academic_year=YEAR).exists():
        plan_services.year_status_set(
            plan=plan,
            academic_year=YEAR,
            status=YearStatus.ACTIVE,
            note="績效考核進行中，待考核結果決定",
            by=ministry,
        )
    if plan.application_year < YEAR:
        # The plan went on into 114 when 113 passed (續辦, SCHED-3): 115 may start only once
        # the outcome of 114 is decided, which is the walk this school is for.
        plan.kind = PlanKind.CONTINUATION
        plan.application_year = YEAR
        plan.save(update_fields=["kind", "application_year", "updated_at"])
    _one_miss_values(plan, coordinator)
    start_report(plan, YEAR, coordinator)
    member = panel.members.select_related("user").first()
    if member is not None and services.conflict_reason(member, school) is None:
        services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
        services.visit_schedule(
            panel=panel,
            plan=plan,
            starts_at=timezone.now() - dt.timedelta(hours=2),
            place="實習大樓二樓會議室",
            by=ministry,
        )


def _nominations() -> None:
    from .models import Nomination

    school = School.objects.filter(code=DEMO_SCHOOL).first()
    if school is None or Nomination.objects.filter(school=school).exists():
        return
    coordinator, _principal = _staff(school)
    year = calendar.AcademicYear.current().roc
    services.nomination_add(
        school=school,
        academic_year=year,
        kind=NominationKind.COMMENDATION,
        nominee="陳組長",
        nominee_role=NomineeRole.STAFF,
        nominee_title="實習組長",
        reason="統籌優質化計畫執行，成效卓著，依規定敘嘉獎二次。",
        by=coordinator,
    )
    services.nomination_add(
        school=school,
        academic_year=year,
        kind=NominationKind.TEACHING,
        nominee="林老師",
        nominee_role=NomineeRole.TEACHER,
        nominee_title="機械科教師",
        reason="帶領教師專業社群發展實作課程，推薦參加教學卓越獎。",
        by=coordinator,
    )


@transaction.atomic
def seed() -> None:
    ministry = User.objects.filter(username="ministry").first()
    if ministry is None:
        return
    panel = _panel(ministry)
    for code, items, scenario in SCENARIOS:
        plan = _plan(code, items, ministry)
        if plan is None:
            continue
        _values(plan)
        _report(plan)
        _evaluate(panel, plan, ministry, visited=scenario != "visit")
        if scenario == "continue":
            services.outcome_decide(
                plan=plan,
                academic_year=YEAR,
                decision=Decision.CONTINUE,
                opinion="各子計畫依進度執行，指標多數達成，同意繼續辦理。",
                by=ministry,
            )
        elif scenario == "conditions":
            services.outcome_decide(
                plan=plan,
                academic_year=YEAR,
                decision=Decision.CONDITIONS,
                opinion="執行大致符合計畫，惟部分指標未達成。",
                conditions=[
                    (
                        "補送未達成指標之改善計畫",
                        calendar.taipei_today() + dt.timedelta(days=20),
                    )
                ],
                by=ministry,
            )
        elif scenario == "end":
            services.outcome_decide(
                plan=plan,
                academic_year=YEAR,
                decision=Decision.END,
                reason="經費執行及指標達成情形經輔導後仍未改善",
                opinion="多項子計畫延宕，經輔導後仍未改善。",
                by=ministry,
            )
    _demo_school(panel, ministry)
    _nominations()
