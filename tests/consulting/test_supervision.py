"""Inspections and their problems (SUP-1), exchanges (SUP-5 … SUP-8), reminders (SUP-4) and
the designated teachers shown publicly (NOTE-2)."""

import datetime as dt

import pytest
import time_machine

from consulting import services
from consulting.enums import ExchangeKind, ProblemStatus
from consulting.models import ExchangeSchool, ProblemEvent, Reminder
from portal.programme import calendar
from portal.schools.models import District
from tests.consulting import builders
from tests.factories import CountyFactory, SchoolFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
ConsultingError = services.ConsultingError


def today():
    return calendar.taipei_today()


# --- SUP-1: inspections ------------------------------------------------------------------------


def visit(inspector, school, problems=("設備採購落後",)):
    return services.inspection_record(
        school=school,
        visited_on=today(),
        checked="經費執行",
        assessment="",
        problems=list(problems),
        by=inspector,
    )


def test_sup1_only_an_inspector_of_the_schools_county(school, plan):
    other = grant(UserFactory(), "inspector", county=CountyFactory(code="kaohsiung"))
    with pytest.raises(ConsultingError, match="Only an inspector of"):
        visit(other, school)


def test_sup1_only_supported_schools_and_past_visits(inspector, school):
    with pytest.raises(ConsultingError, match="no approved plan in force"):
        visit(inspector, school)
    builders.support(school, inspector)
    with pytest.raises(ConsultingError, match="once it has taken place"):
        services.inspection_record(
            school=school,
            visited_on=today() + dt.timedelta(days=1),
            checked="x",
            assessment="",
            problems=[],
            by=inspector,
        )


def test_sup1_problem_escalated_responded_resolved_every_step_recorded(
    inspector, school, plan, coordinator, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    problem = visit(inspector, school).problems.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_escalate(problem=problem, note="需部協助", by=inspector)
    assert ministry.email in [m.to[0] for m in mailoutbox]
    with pytest.raises(ConsultingError, match="already escalated"):
        services.problem_escalate(problem=problem, note="again", by=inspector)
    problem = services.problem_respond(problem=problem, text="已完成驗收", by=coordinator)
    assert problem.status == ProblemStatus.RESPONDED
    problem = services.problem_reopen(problem=problem, note="缺驗收紀錄", by=inspector)
    problem = services.problem_respond(problem=problem, text="補上紀錄", by=coordinator)
    problem = services.problem_resolve(problem=problem, note="", by=ministry)
    assert problem.status == ProblemStatus.RESOLVED
    with pytest.raises(ConsultingError, match="cannot become"):
        services.problem_resolve(problem=problem, note="", by=inspector)
    assert list(
        ProblemEvent.objects.filter(problem=problem).values_list("kind", "from_status", "to_status")
    ) == [
        ("recorded", "open", "open"),
        ("escalated", "open", "open"),
        ("responded", "open", "responded"),
        ("reopened", "responded", "open"),
        ("responded", "open", "responded"),
        ("resolved", "responded", "resolved"),
    ]
    assert builders.audit_actions("consulting.problem.") == [
        "consulting.problem.record",
        "consulting.problem.escalate",
        "consulting.problem.respond",
        "consulting.problem.reopen",
        "consulting.problem.respond",
        "consulting.problem.resolve",
    ]


def test_sup1_ministry_closes_only_escalated_problems_and_schools_only_their_own(
    inspector, school, plan, ministry, other_school
):
    problem = visit(inspector, school).problems.get()
    with pytest.raises(ConsultingError, match="once escalated"):
        services.problem_resolve(problem=problem, note="", by=ministry)
    stranger = grant(UserFactory(), "coordinator", school=other_school)
    with pytest.raises(ConsultingError, match="Only the staff of this school"):
        services.problem_respond(problem=problem, text="x", by=stranger)


# --- SUP-5 … SUP-8: exchanges ----------------------------------------------------------------


def test_sup5_inter_school_needs_two_supported_co_hosts(ministry, school, plan, other_school):
    with pytest.raises(ConsultingError, match="at least two supported schools"):
        services.exchange_create(
            kind=ExchangeKind.INTER_SCHOOL,
            title="交流",
            date=today(),
            place="x",
            hosts=[school],
            by=ministry,
        )
    with pytest.raises(ConsultingError, match="supported in academic year"):
        services.exchange_create(
            kind=ExchangeKind.INTER_SCHOOL,
            title="交流",
            date=today(),
            place="x",
            hosts=[school, other_school],
            by=ministry,
        )


def test_sup5_a_coordinator_creates_one_only_for_their_school(
    ministry, school, plan, other_school, other_plan, coordinator
):
    third = builders.supported_school(ministry)
    with pytest.raises(ConsultingError, match="must be one of the co-hosts"):
        services.exchange_create(
            kind=ExchangeKind.INTER_SCHOOL,
            title="交流",
            date=today(),
            place="x",
            hosts=[other_school, third],
            by=coordinator,
        )
    exchange = services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="交流",
        date=today(),
        place="x",
        hosts=[school, other_school],
        by=coordinator,
    )
    assert sorted(
        exchange.schools.filter(is_host=True).values_list("school__code", flat=True)
    ) == sorted([school.code, other_school.code])


def test_sup6_regional_only_in_semester_2_by_the_regions_schools(ministry, school, plan):
    zhongtou = District.objects.get(code="zhongtou")
    with pytest.raises(ConsultingError, match="semester 2"):
        services.exchange_create(
            kind=ExchangeKind.REGIONAL,
            title="區域交流",
            date=today(),
            place="x",
            district=zhongtou,
            hosts=[school],
            by=ministry,
        )
    march = dt.date(2027, 3, 10)
    with pytest.raises(ConsultingError, match="supported schools of the region"):
        services.exchange_create(
            kind=ExchangeKind.REGIONAL,
            title="區域交流",
            date=march,
            place="x",
            district=District.objects.get(code="kaohsiung"),
            hosts=[school],
            by=ministry,
        )
    outside = SchoolFactory(county=CountyFactory(code="kaohsiung"))
    neighbour = SchoolFactory()  # 臺中市, not supported: invited all the same
    exchange = services.exchange_create(
        kind=ExchangeKind.REGIONAL,
        title="區域交流",
        date=march,
        place="x",
        district=zhongtou,
        hosts=[school],
        by=ministry,
    )
    codes = set(exchange.schools.values_list("school__code", flat=True))
    assert (school.code in codes, neighbour.code in codes, outside.code in codes) == (
        True,
        True,
        False,
    )
    assert (exchange.academic_year, exchange.semester) == (115, 2)


def test_sup7_national_only_by_the_ministry_inviting_every_supported_school(
    ministry, school, plan, other_school, coordinator
):
    with pytest.raises(ConsultingError, match="Only ministry staff"):
        services.exchange_create(
            kind=ExchangeKind.NATIONAL, title="全國", date=today(), place="x", by=coordinator
        )
    exchange = services.exchange_create(
        kind=ExchangeKind.NATIONAL, title="全國", date=today(), place="x", by=ministry
    )
    assert list(exchange.schools.values_list("school__code", "is_host")) == [(school.code, False)]


def test_sup8_registration_and_principal_attendance(ministry, school, plan, coordinator):
    exchange = services.exchange_create(
        kind=ExchangeKind.NATIONAL,
        title="全國",
        date=today() + dt.timedelta(days=5),
        place="x",
        registration_closes_on=today() + dt.timedelta(days=2),
        by=ministry,
    )
    services.exchange_register(
        exchange=exchange,
        school=school,
        attendees="校長、主任",
        principal_registered=True,
        by=coordinator,
    )
    with (
        time_machine.travel(dt.datetime(2026, 11, 19, 10, tzinfo=calendar.TAIPEI)),
        pytest.raises(ConsultingError, match="Registration closed"),
    ):
        services.exchange_register(
            exchange=exchange,
            school=school,
            attendees="x",
            principal_registered=False,
            by=coordinator,
        )
    with pytest.raises(ConsultingError, match="once it has taken place"):
        services.exchange_record(exchange=exchange, record="x", attendance={}, by=ministry)
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=calendar.TAIPEI)):
        with pytest.raises(ConsultingError, match="principal's attendance"):
            services.exchange_record(
                exchange=exchange, record="圓滿", attendance={school.pk: (True, "")}, by=ministry
            )
        services.exchange_record(
            exchange=exchange, record="圓滿", attendance={school.pk: (True, "full")}, by=ministry
        )
    row = ExchangeSchool.objects.get(exchange=exchange, school=school)
    assert (row.attended, row.principal_attendance, row.principal_registered) == (
        True,
        "full",
        True,
    )


def test_sup8_a_school_not_invited_cannot_register(ministry, school, plan, other_school):
    exchange = services.exchange_create(
        kind=ExchangeKind.NATIONAL, title="全國", date=today(), place="x", by=ministry
    )
    stranger = grant(UserFactory(), "coordinator", school=other_school)
    with pytest.raises(ConsultingError, match="not invited"):
        services.exchange_register(
            exchange=exchange,
            school=other_school,
            attendees="x",
            principal_registered=False,
            by=stranger,
        )


# --- SUP-4: reminders ------------------------------------------------------------------------


def test_sup4_reminders_before_the_semester_ends_once_per_stage(
    assigned,
    school,
    coordinator,
    principal,
    ministry,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # 16 November: more than 30 days before 31 January, nothing is sent.
    assert services.reminders_send() == {"no_consultation": 0, "report_overdue": 0}
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, tzinfo=calendar.TAIPEI)):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.reminders_send()
            again = services.reminders_send()
        assert (first["no_consultation"], again["no_consultation"]) == (3, 0)
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [assigned.advisor.email, coordinator.email, principal.email]
        )
    # Not every day: the next reminder is 14 days before the end (17 January), then 7, then 1.
    with time_machine.travel(dt.datetime(2027, 1, 6, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 0
    with time_machine.travel(dt.datetime(2027, 1, 17, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 3
    # A stage the job missed (24 January, 7 days before) goes out late, once.
    with time_machine.travel(dt.datetime(2027, 1, 26, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 3
    with time_machine.travel(dt.datetime(2027, 1, 27, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 0
    with time_machine.travel(dt.datetime(2027, 1, 30, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 3
    with time_machine.travel(dt.datetime(2027, 1, 31, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 0
    assert Reminder.objects.count() == 12


def test_sup4_no_reminder_once_a_consultation_is_held(assigned, school, coordinator):
    builders.held(assigned.advisor, school, advice=0)
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["no_consultation"] == 0


def test_sup3_ministry_reminded_of_overdue_reports(assigned, school, ministry):
    builders.held(assigned.advisor, school, advice=0)
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["report_overdue"] == 0
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["report_overdue"] == 1
        assert services.reminders_send()["report_overdue"] == 0
    # Once a week while it stays overdue, not every day.
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["report_overdue"] == 0
    with time_machine.travel(dt.datetime(2026, 12, 8, 9, tzinfo=calendar.TAIPEI)):
        assert services.reminders_send()["report_overdue"] == 1
    assert list(Reminder.objects.values_list("kind", "recipient__username")) == [
        ("report_overdue", ministry.username),
        ("report_overdue", ministry.username),
    ]


# --- NOTE-2 ----------------------------------------------------------------------------------


def test_note2_public_school_teacher_reduction_refused_over_4(ministry, school, coordinator):
    """The designated teachers the public page shows come from the plan, where a public school
    cannot reduce a load by more than 4 periods a week."""
    from django.core.exceptions import ValidationError

    from applications import services as plan_services
    from applications.models import DesignatedTeacher
    from tests.applications.builders import started_plan

    plan = started_plan(school, coordinator)
    with pytest.raises(ValidationError, match="at most 4 periods"):
        plan_services.teacher_save(
            plan=plan,
            teacher=DesignatedTeacher(name="陳", duties="x", weekly_reduction=5),
            by=coordinator,
        )


# --- The schedule and the audit trail ----------------------------------------------------------


def test_sup4_reminders_run_daily_by_celery_beat():
    from portal.celery import app

    entry = app.conf.beat_schedule["consulting-reminders"]
    assert entry["task"] == "consulting.tasks.send_reminders"


def test_sup4_reminder_task_calls_the_service(assigned, school):
    from consulting.tasks import send_reminders

    with time_machine.travel(dt.datetime(2027, 1, 5, 9, tzinfo=calendar.TAIPEI)):
        assert send_reminders.apply().get() == {"no_consultation": 1, "report_overdue": 0}


def test_sup2_sup5_requests_and_exchanges_leave_audit_rows(
    ministry, school, plan, other_plan, coordinator, profiled_advisor
):
    request = services.request_create(
        school=school, topic="題", items=[7], details="x", by=coordinator
    )
    services.request_match(request=request, advisor=profiled_advisor, note="", by=ministry)
    services.request_withdraw(request=request, by=coordinator)
    exchange = services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="交流",
        date=today(),
        place="x",
        hosts=[school, other_plan.school],
        by=coordinator,
    )
    services.exchange_record(
        exchange=exchange,
        record="ok",
        attendance={school.pk: (True, "full"), other_plan.school_id: (True, "partial")},
        by=coordinator,
    )
    assert builders.audit_actions()[-5:] == [
        "consulting.request.create",
        "consulting.request.match",
        "consulting.request.withdraw",
        "consulting.exchange.create",
        "consulting.exchange.record",
    ]
