"""consulting.scale: the seed_scale stage gives the consulting boards national volume through
the services — every supported scale school advised, consultations of the year in the
board's semester, inspections and exchanges."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from applications.enums import PlanStatus
from applications.models import Plan
from consulting import scale as consulting_scale
from consulting import selectors
from consulting.enums import ConsultationStatus, ExchangeKind
from consulting.models import (
    Advice,
    AdviceAnswer,
    AdvisorProfile,
    AdvisoryAssignment,
    Consultation,
    Exchange,
    ExchangeSchool,
    Inspection,
)
from consulting.supported import is_supported, supported_schools
from portal import registry, scale
from portal.documents.models import GeneratedDocument
from portal.programme import calendar
from tests.consulting import builders

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCHOOLS = 20
#: Semester 1 of academic year 115, well into it.
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=calendar.TAIPEI)
TODAY = NOW.date()
SEMESTER = calendar.Semester(115, 1)
#: The running plans the stand-in stage found in the context.
FOUND: list[int] = []


def build(ctx):
    """Stands in for the running-plans stage (indicators.scale) should it leave a scale
    school unsupported: an approved plan of the phase in force this year. Records what it
    found, so that the tests can tell whether the real stage did the work."""
    FOUND.append(len(getattr(ctx, "running_plans", None) or []))
    year = calendar.AcademicYear.current().roc
    phase = builders.phase_for(year)
    for school in ctx.schools:
        if is_supported(school, year):
            continue
        plan = Plan.objects.filter(school=school, phase=phase).first()
        if plan is None:
            builders.support(school, ctx.ministry, year=year)
        else:
            Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module — every registered stage, the running plans' one included,
    with this module's stand-in just before consulting's — in a transaction rolled back at
    the end."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        outer = transaction.atomic()
        outer.__enter__()
        stages = registry._SCALE[:]
        registry.register_scale(__name__, order=69)
        try:
            out = StringIO()
            with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
                call_command("seed_scale", schools=SCHOOLS, jobs=1, stdout=out)
            yield out.getvalue()
        finally:
            registry._SCALE[:] = stages
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def now(seeded):
    with time_machine.travel(NOW, tick=False):
        yield


def scale_schools():
    return list(
        supported_schools(SEMESTER.academic_year)
        .filter(code__startswith=scale.CODE_PREFIX)
        .order_by("code")
    )


def test_consulting_stage_is_registered_after_the_running_plans(seeded):
    assert (70, "consulting.scale") in registry._SCALE
    running = [order for order, name in registry._SCALE if name == "indicators.scale"]
    assert running and running[0] < 70
    assert FOUND == [SCHOOLS]  # the real stage gave every scale school its running plan


def test_every_supported_scale_school_has_an_advisor(now, seeded):
    """SUP-2, SUP-3: about one advisor per eight schools, each in the talent database."""
    schools = scale_schools()
    assert len(schools) == SCHOOLS
    assignments = AdvisoryAssignment.objects.filter(
        academic_year=115, removed_at__isnull=True, school__in=schools
    )
    assert {a.school_id for a in assignments} == {s.pk for s in schools}
    assert assignments.count() == SCHOOLS  # one advisor each
    advisors = {a.advisor for a in assignments.select_related("advisor")}
    assert len(advisors) == 3  # ceil(20 / 8)
    for advisor in advisors:
        assert advisor.roles == ["advisor"]
        assert advisor.check_password(scale.SCALE_PASSWORD)
        profile = AdvisorProfile.objects.get(user=advisor)
        served = set(profile.districts.values_list("pk", flat=True))
        mine = assignments.filter(advisor=advisor).values_list("school__district_id", flat=True)
        assert set(mine) <= served
    assert "3 advisors for 20 supported schools" in seeded


def test_consultations_statuses_and_dates(now):
    """SUP-3, SUP-4, SCHED-2: two to four per school this year, in this semester: those held
    on a day up to today, those scheduled later this semester; filed reports have advice."""
    schools = scale_schools()
    consultations = Consultation.objects.filter(school__in=schools)
    per_school = {}
    for c in consultations:
        per_school.setdefault(c.school_id, []).append(c)
    assert set(per_school) == {s.pk for s in schools}
    assert {len(v) for v in per_school.values()} == {2, 3, 4}
    for c in consultations:
        assert (c.academic_year, c.semester) == (115, 1)
        assert SEMESTER.start <= c.date <= SEMESTER.end
        if c.status in (ConsultationStatus.HELD, ConsultationStatus.FILED):
            assert c.date <= TODAY
            assert c.advice.count() in (1, 2)
        else:
            assert c.date >= TODAY
    by_status = {s: consultations.filter(status=s).count() for s in ConsultationStatus.values}
    assert by_status[ConsultationStatus.FILED] > by_status[ConsultationStatus.HELD] > 0
    assert by_status[ConsultationStatus.SCHEDULED] > 0
    assert by_status[ConsultationStatus.CANCELLED] > 0
    assert sum(by_status.values()) > 2 * SCHOOLS
    # Every school held at least one; the school answered some advice (SUP-3).
    assert all(
        any(c.status != ConsultationStatus.SCHEDULED and c.date <= TODAY for c in v)
        for v in per_school.values()
    )
    answered = AdviceAnswer.objects.filter(advice__school__in=schools)
    assert answered.exists()
    assert all(a.advice.consultation.status == ConsultationStatus.FILED for a in answered)
    # The filed reports' PDFs are not left queued for a sweeper to render mid-benchmark.
    assert not GeneratedDocument.objects.filter(kind="consulting_report").exists()


def test_semester_board_shows_the_seeded_volume(now):
    board = {s.pk: s for s in selectors.semester_board(SEMESTER, today=TODAY)}
    schools = scale_schools()
    assert {s.pk for s in schools} <= set(board)
    consultations = Consultation.objects.filter(school__in=schools)
    assert (
        sum(board[s.pk].held for s in schools)
        == consultations.filter(
            status__in=(ConsultationStatus.HELD, ConsultationStatus.FILED)
        ).count()
    )
    assert (
        sum(board[s.pk].filed for s in schools)
        == consultations.filter(status=ConsultationStatus.FILED).count()
    )
    assert (
        sum(board[s.pk].scheduled for s in schools)
        == consultations.filter(status=ConsultationStatus.SCHEDULED).count()
    )
    assert not any(board[s.pk].behind for s in schools)
    open_advice = Advice.objects.filter(
        school__in=schools,
        consultation__status=ConsultationStatus.FILED,
        status__in=("open", "in_progress"),
    ).count()
    assert sum(board[s.pk].open_advice for s in schools) == open_advice > 0
    rows = selectors.board_rows(selectors.semester_board(SEMESTER, today=TODAY), 115)
    assert all(r.advisors for r in rows if r.school.code.startswith(scale.CODE_PREFIX))


def test_inspections_of_a_share_of_schools(now):
    """SUP-1: one school in three, by an inspector of its county, with a problem or two."""
    inspections = Inspection.objects.filter(school__code__startswith=scale.CODE_PREFIX)
    assert inspections.count() == len(range(1, SCHOOLS + 1, consulting_scale.INSPECTED_EVERY))
    for inspection in inspections.select_related("school", "inspector"):
        assert inspection.school.county_id in inspection.inspector.county_ids()
        assert 1 <= inspection.problems.count() <= 2
        assert SEMESTER.start <= inspection.visited_on <= TODAY


def test_exchanges_and_the_exchange_board(now):
    """SUP-5 … SUP-8: the national exchange and inter-school ones; those past recorded with
    attendance, those to come registered for; the board counts them."""
    exchanges = Exchange.objects.filter(academic_year=115)
    kinds = sorted(exchanges.values_list("kind", flat=True))
    assert kinds == [ExchangeKind.INTER_SCHOOL, ExchangeKind.NATIONAL]
    national = exchanges.get(kind=ExchangeKind.NATIONAL)
    assert national.date > TODAY
    registered = national.schools.filter(registered_at__isnull=False)
    assert registered.count() >= SCHOOLS // 2
    inter = exchanges.get(kind=ExchangeKind.INTER_SCHOOL)
    rows = ExchangeSchool.objects.filter(exchange=inter)
    assert rows.filter(is_host=True).count() in (2, 3)
    assert rows.count() >= 7
    if inter.date <= TODAY:
        assert inter.recorded_at is not None
        assert rows.filter(attended=True).count() >= 5
    else:
        assert rows.filter(registered_at__isnull=False).count() >= 3
    board = {s.pk: s for s in selectors.exchange_board(115)}
    hosts = set(rows.filter(is_host=True).values_list("school_id", flat=True))
    assert all(board[pk].cohosted == 1 for pk in hosts)
    attended = ExchangeSchool.objects.filter(
        exchange__academic_year=115, school__code__startswith=scale.CODE_PREFIX, attended=True
    ).count()
    assert sum(board[s.pk].attended for s in scale_schools()) == attended


def test_exchange_plans_at_national_scale():
    """150 schools: about one exchange per ten, regional ones in semester 2 where a region
    has enough schools; every date in the academic year."""

    class S:
        def __init__(self, pk, district):
            self.pk, self.district_id, self.name = pk, district, f"學校{pk}"
            self.district = type("D", (), {"name": f"區{district}"})()

    schools = [S(pk, pk // 20) for pk in range(150)]
    plans = consulting_scale.exchange_plans(schools, 1, TODAY)
    assert len(plans) == 15
    kinds = [p["kind"] for p in plans]
    assert kinds.count(ExchangeKind.NATIONAL) == 1
    assert kinds.count(ExchangeKind.REGIONAL) == 3
    year = calendar.AcademicYear(115)
    for p in plans:
        assert year.start <= p["date"] <= year.end
        if p["kind"] == ExchangeKind.REGIONAL:
            assert calendar.Semester.of(p["date"]).number == 2
    inter = [p for p in plans if p["kind"] == ExchangeKind.INTER_SCHOOL]
    assert all(len(p["hosts"]) >= 2 and len(p["invited"]) >= 7 for p in inter)


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 8, 1),
        dt.date(2026, 11, 20),
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 1),
        dt.date(2027, 4, 15),
        dt.date(2027, 7, 31),
    ],
)
def test_consultation_plan_dates_stay_in_the_year(today):
    """Held ones on a day up to today, in this semester (in semester 2 the first one in
    semester 1); those to come from today to the end of the semester."""
    semester = calendar.Semester.of(today)
    for n in range(1, 61):
        plan = consulting_scale.consultation_plan(n, today)
        assert 2 <= len(plan) <= 4
        held = [day for status, day in plan if status in ("filed", "held")]
        ahead = [day for status, day in plan if status in ("scheduled", "cancelled")]
        assert held and len(ahead) <= 1
        assert all(calendar.AcademicYear.of(d).roc == semester.academic_year for d in held)
        assert all(d <= today for d in held)
        assert held == sorted(held)
        current = [d for d in held if semester.contains(d)]
        assert current
        if semester.number == 2 and len(held) > 1:
            assert calendar.Semester.of(held[0]).number == 1
        assert all(today <= d <= semester.end for d in ahead)
