"""seed_scale's running programme (indicators.scale, assessment.scale): every scale school's
approved plan of the phase in force, its indicator values and results report of the year the
boards show, the evaluation panel's work — valid data, counted by the boards' selectors."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from applications.enums import PlanStatus, YearStatus
from applications.models import BudgetLine, Plan
from assessment import scale as assessment_scale
from assessment import selectors as assessment_selectors
from assessment.checks import outcome_missing, report_problems
from assessment.enums import ReportStatus, VisitStatus
from assessment.models import Assignment, Outcome, Panel, ResultsReport, Visit
from indicators import scale as indicators_scale
from indicators.enums import ReportStatus as ValuesStatus
from indicators.models import PlanIndicator, PlanTarget, ReportingWindow, YearReport, YearValue
from indicators.values import boards, services
from indicators.values.board_views import _default_year
from indicators.values.cleaning import clean_value
from portal import registry, scale
from portal.programme import calendar
from portal.programme.selectors import phase_for_year

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCHOOLS = 12
#: A day in academic year 115: the phase in force is 113–115, the boards show 114.
TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=calendar.TAIPEI)
YEAR = 114
#: The stages under test (others, e.g. the consultations, are left out of this module).
STAGES = ("indicators.scale", "assessment.scale")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (one school in six not started, so that 12 schools show
    every state), in a transaction rolled back at the end."""
    saved = list(registry._SCALE)
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TODAY, tick=True),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(indicators_scale, "NOT_STARTED_EVERY", 6)
        registry._SCALE[:] = [(o, n) for o, n in saved if n in STAGES]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
                ctx = scale.run(SCHOOLS, jobs=1, log=lambda line: None)
            yield ctx
        finally:
            registry._SCALE[:] = saved
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def now(seeded):
    with time_machine.travel(TODAY + dt.timedelta(minutes=30), tick=False):
        yield


def expected_values():
    """What each school (in code order) did with the year's values."""
    return [indicators_scale.values_state(i) for i in range(SCHOOLS)]


def test_running_plans_are_approved_plans_of_the_phase_in_force(seeded, now):
    phase = phase_for_year(calendar.AcademicYear.current().roc)
    assert phase.start_year == 113 and indicators_scale.running_phase() == phase
    assert indicators_scale.reporting_year() == YEAR
    plans = list(
        Plan.objects.filter(school__code__startswith=scale.CODE_PREFIX, phase=phase)
        .select_related("school")
        .order_by("school__code")
    )
    assert [p.pk for p in plans] == [p.pk for p in seeded.running_plans]
    assert [p.school.code for p in plans] == [scale.school_code(n) for n in range(1, 13)]
    for plan in plans:
        assert plan.status == PlanStatus.APPROVED
        years = {y.academic_year: y.status for y in plan.years.all()}
        assert set(years) == {113, 114, 115}
        assert years[113] == YearStatus.PASSED and years[115] == YearStatus.ACTIVE
        assert plan.subplans.count() == 3
        rows = PlanIndicator.objects.filter(plan=plan, not_applicable=False)
        assert rows.count() > 10
        # Every indicator has a target in every year of the phase.
        assert PlanTarget.objects.filter(plan_indicator__in=rows).count() == rows.count() * 3
    lines = BudgetLine.objects.filter(plan__in=plans)
    assert lines.filter(academic_year=YEAR).count() == 4 * len(plans)
    assert all(line.total == line.quantity * line.unit_price for line in lines)
    assert all(line.total == line.subsidy + line.own_funds for line in lines)


def test_values_statuses_are_the_intended_mix(seeded, now):
    wanted = {
        indicators_scale.SUBMITTED: ValuesStatus.SUBMITTED,
        indicators_scale.ACCEPTED: ValuesStatus.ACCEPTED,
        indicators_scale.DRAFT: ValuesStatus.DRAFT,
        indicators_scale.NOT_STARTED: None,
    }
    statuses = dict(
        YearReport.objects.filter(plan__in=seeded.running_plans, academic_year=YEAR).values_list(
            "plan__school__code", "status"
        )
    )
    found = [statuses.get(p.school.code) for p in seeded.running_plans]
    assert found == [wanted[state] for state in expected_values()]
    assert {None, ValuesStatus.DRAFT, ValuesStatus.SUBMITTED, ValuesStatus.ACCEPTED} <= set(found)


def test_signed_off_values_passed_their_own_checks(seeded, now):
    """IND-1, IND-3: every value signed off is complete and what ``clean_value`` computes
    from what was typed; every change is audited and the window of the year is open."""
    window = ReportingWindow.objects.get(academic_year=YEAR)
    assert services.window_state(window) == "open"
    reports = YearReport.objects.filter(
        plan__in=seeded.running_plans,
        status__in=[ValuesStatus.SUBMITTED, ValuesStatus.ACCEPTED],
    )
    assert reports.exists()
    for report in reports:
        assert services.missing_values(report) == []
        assert report.submitted_at is not None
        for value in YearValue.objects.filter(report=report).select_related(
            "plan_indicator__indicator"
        ):
            cleaned = clean_value(
                value.plan_indicator.indicator,
                numerator=value.numerator,
                denominator=value.denominator,
                value=None if value.plan_indicator.indicator.is_quotient else value.value,
            )
            assert cleaned.value == value.value


def test_values_board_counts_the_scale_schools(seeded, now):
    """The ministry's completeness board shows the reporting year by default and counts the
    scale schools in each status."""
    assert _default_year() == YEAR
    school_ids = [p.school_id for p in seeded.running_plans]
    rows = boards.completeness(YEAR, school_ids=school_ids)
    counts = boards.completeness_counts(rows)
    states = Counter(expected_values())
    assert counts["total"] == SCHOOLS
    assert counts[boards.NOT_STARTED] == states[indicators_scale.NOT_STARTED]
    assert counts[ValuesStatus.DRAFT] == states[indicators_scale.DRAFT]
    assert counts[ValuesStatus.SUBMITTED] == states[indicators_scale.SUBMITTED]
    assert counts[ValuesStatus.ACCEPTED] == states[indicators_scale.ACCEPTED]
    for row in rows:
        if row.report_status in (ValuesStatus.SUBMITTED, ValuesStatus.ACCEPTED):
            assert row.reported == row.expected > 0
    national = boards.national_values(academic_year=YEAR, school_ids=school_ids)
    signed_off = states[indicators_scale.SUBMITTED] + states[indicators_scale.ACCEPTED]
    assert national.values("report__school").distinct().count() == signed_off


def expected_reports():
    """The results report's state of each school, in code order."""
    return [assessment_scale.report_state(values, i) for i, values in enumerate(expected_values())]


def test_results_reports_are_as_intended_and_complete(seeded, now):
    statuses = dict(
        ResultsReport.objects.filter(plan__in=seeded.running_plans, academic_year=YEAR).values_list(
            "plan__school__code", "status"
        )
    )
    wanted = {"submitted": ReportStatus.SUBMITTED, "draft": ReportStatus.DRAFT, "not_started": None}
    found = [statuses.get(p.school.code) for p in seeded.running_plans]
    assert found == [wanted[state] for state in expected_reports()]
    assert {None, ReportStatus.DRAFT, ReportStatus.SUBMITTED} <= set(found)
    for report in ResultsReport.objects.filter(plan__in=seeded.running_plans):
        # The year's four budget lines are copied in; a submitted report passed its checks
        # and is frozen; a draft still lacks its spending.
        assert report.budget_executions.count() == 4
        assert report.executions.exclude(activities="").count() == 3
        if report.status == ReportStatus.SUBMITTED:
            assert report_problems(report) == []
            assert report.versions.count() == 1
        else:
            assert report_problems(report) and report.versions.count() == 0


def test_panel_assignments_visits_and_outcomes(seeded, now):
    """OVS-1, OVS-2, PERF-6: every submitted report has two members assigned and a visit;
    the visited ones have findings and ratings; decided outcomes passed the year."""
    panel = Panel.objects.get(academic_year=YEAR)
    assert panel.members.count() == assessment_scale.MIN_MEMBERS
    submitted = ResultsReport.objects.filter(
        plan__in=seeded.running_plans, status=ReportStatus.SUBMITTED
    )
    schools = set(submitted.values_list("school", flat=True))
    per_school = Counter(Assignment.objects.filter(panel=panel).values_list("school", flat=True))
    assert set(per_school) == schools
    assert set(per_school.values()) == {assessment_scale.MEMBERS_PER_SCHOOL}
    visits = Visit.objects.filter(panel=panel)
    assert set(visits.values_list("school", flat=True)) == schools
    done = visits.filter(status=VisitStatus.DONE)
    assert 0 < done.count() < len(schools)
    for visit in done:
        assignments = Assignment.objects.filter(panel=panel, school=visit.school)
        assert all(a.rating_id for a in assignments)
        assert all(a.findings.exists() for a in assignments)
    outcomes = Outcome.objects.filter(plan__in=seeded.running_plans, academic_year=YEAR)
    assert outcomes.exists()
    for outcome in outcomes:
        assert outcome.plan.years.get(academic_year=YEAR).status == YearStatus.PASSED
    # A visited school without an outcome lacks nothing but the decision.
    undecided = done.exclude(school__in=outcomes.values("school")).first()
    assert outcome_missing(undecided.plan, YEAR) == []


def test_assessment_board_counts_the_scale_schools(seeded, now):
    rows = assessment_selectors.board_queryset(YEAR).filter(
        plan__school__code__startswith=scale.CODE_PREFIX
    )
    assert rows.count() == SCHOOLS
    states = Counter(expected_reports())
    assert rows.filter(report_status=ReportStatus.SUBMITTED).count() == states["submitted"]
    assert rows.filter(report_status=ReportStatus.DRAFT).count() == states["draft"]
    assert rows.filter(report_status__isnull=True).count() == states["not_started"]
    decided = Outcome.objects.filter(plan__in=seeded.running_plans, academic_year=YEAR)
    assert rows.filter(outcome_decision__isnull=False).count() == decided.count()
    page = assessment_selectors.board_rows(rows, YEAR)
    assert sum(1 for r in page if r.visit and r.visit.status == VisitStatus.DONE) > 0
    assert sum(len(r.ratings) for r in page) > 0
