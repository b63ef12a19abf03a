"""The submission workflow: every transition of TRANSITIONS by the right role only, events,
audit rows and e-mail, the application window in Taiwan time (APP-3), versions and their diff."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import override

from applications import budget, services
from applications.enums import TRANSITIONS, PlanStatus, SectionKey, YearStatus
from applications.models import Plan, PlanEvent, PlanVersion
from applications.selectors import Change, plan_snapshot, version_diff
from applications.services import TRANSITION_ACTIONS, PlanError
from portal.audit.models import AuditEntry
from portal.programme.calendar import TAIPEI
from portal.programme.models import ApplicationWindow
from tests.applications.builders import (
    audit_actions,
    awaiting_plan,
    complete_plan,
    line_values,
    plan_in,
    started_plan,
    submitted_plan,
)

pytestmark = pytest.mark.django_db

S = PlanStatus


def build(status, school, coordinator, principal, ministry):
    """A plan in ``status`` from which the transition can be made (a draft is complete)."""
    if status == S.DRAFT:
        return complete_plan(started_plan(school, coordinator), coordinator)
    plan = plan_in(
        status, school=school, coordinator=coordinator, principal=principal, ministry=ministry
    )
    if status == S.APPROVED:  # its year passed, so that it may continue (SCHED-3)
        year = plan.application_year
        services.year_status_set(
            plan=plan, academic_year=year, status=YearStatus.PASSED, note="", by=ministry
        )
    return plan


def send_to_principal(plan, by):
    services.plan_send_to_principal(plan=plan, by=by)


def approve(plan, by):
    services.plan_principal_approve(plan=plan, by=by)


def recall(plan, by):
    services.plan_recall(plan=plan, by=by)


def send_back(plan, by):
    services.plan_principal_send_back(plan=plan, by=by, comment="請補充預期成效。")


def return_(plan, by):
    services.plan_return(plan=plan, by=by, comment="請修正經費。")


def withdraw(plan, by):
    services.plan_withdraw(plan=plan, by=by)


def review_start(plan, by):
    services.plan_review_start(plan=plan, by=by)


def reopen(plan, by):
    services.plan_reopen(plan=plan, by=by)


def decide_approve(plan, by):
    services.plan_decide(plan=plan, approve=True, by=by)


def decide_reject(plan, by):
    services.plan_decide(plan=plan, approve=False, by=by, comment="未通過。")


def continue_(plan, by):
    services.plan_continue(plan=plan, by=by)


# (from, to, the service call, who may, who may not)
TRANSITION_CASES = [
    (S.DRAFT, S.AWAITING_PRINCIPAL, send_to_principal, ["coordinator"],
     ["principal", "ministry", "other_coordinator", "committee_member"]),
    (S.RETURNED, S.AWAITING_PRINCIPAL, send_to_principal, ["coordinator"],
     ["principal", "ministry"]),
    (S.AWAITING_PRINCIPAL, S.SUBMITTED, approve, ["principal"],
     ["coordinator", "ministry", "other_principal"]),
    (S.AWAITING_PRINCIPAL, S.DRAFT, recall, ["coordinator"],
     ["principal", "ministry", "other_coordinator"]),
    (S.AWAITING_PRINCIPAL, S.DRAFT, send_back, ["principal"],
     ["coordinator", "ministry", "other_principal"]),
    (S.SUBMITTED, S.RETURNED, return_, ["ministry"],
     ["coordinator", "principal", "committee_member"]),
    (S.SUBMITTED, S.WITHDRAWN, withdraw, ["coordinator", "principal"],
     ["ministry", "other_coordinator", "committee_member"]),
    (S.SUBMITTED, S.UNDER_REVIEW, review_start, ["ministry"],
     ["coordinator", "principal", "committee_member"]),
    (S.WITHDRAWN, S.DRAFT, reopen, ["coordinator"], ["principal", "ministry"]),
    (S.UNDER_REVIEW, S.APPROVED, decide_approve, ["ministry"],
     ["coordinator", "principal", "committee_member"]),
    (S.UNDER_REVIEW, S.REJECTED, decide_reject, ["ministry"],
     ["coordinator", "principal", "committee_member"]),
    (S.APPROVED, S.DRAFT, continue_, ["coordinator"], ["principal", "ministry"]),
]  # fmt: skip

RIGHT = [
    pytest.param(src, dst, call, who, id=f"{src}-{dst}-{call.__name__}-{who}")
    for src, dst, call, ok, _no in TRANSITION_CASES
    for who in ok
]
WRONG = [
    pytest.param(src, dst, call, who, id=f"{src}-{dst}-{call.__name__}-{who}")
    for src, dst, call, _ok, no in TRANSITION_CASES
    for who in no
]


def test_transition_cases_cover_every_transition():
    assert {(src, dst) for src, dst, *_rest in TRANSITION_CASES} == {
        (src, dst) for src, targets in TRANSITIONS.items() for dst in targets
    }


@pytest.mark.parametrize(("src", "dst", "call", "who"), RIGHT)
def test_transition_by_right_role_moves_and_records(
    request, school, coordinator, principal, ministry, src, dst, call, who
):
    """Each transition: the status moves, a PlanEvent and an audit row with the action name."""
    plan = build(src, school, coordinator, principal, ministry)
    user = request.getfixturevalue(who)
    events = PlanEvent.objects.filter(plan=plan).count()
    call(plan, user)
    plan.refresh_from_db()
    assert plan.status == dst
    assert PlanEvent.objects.filter(plan=plan).count() == events + 1
    event = PlanEvent.objects.filter(plan=plan).last()
    assert (event.from_status, event.to_status, event.actor) == (src, dst, user)
    entry = AuditEntry.objects.filter(target_id=str(plan.pk)).order_by("pk").last()
    assert (entry.action, entry.actor, entry.school) == (TRANSITION_ACTIONS[dst], user, school)
    assert (entry.before["status"], entry.after["status"]) == (src, dst)


@pytest.mark.parametrize(("src", "dst", "call", "who"), WRONG)
def test_transition_by_wrong_role_refused(
    request, school, coordinator, principal, ministry, src, dst, call, who
):
    plan = build(src, school, coordinator, principal, ministry)
    if who in ("other_coordinator", "other_principal"):
        request.getfixturevalue("other_school")
    user = request.getfixturevalue(who)
    events = PlanEvent.objects.filter(plan=plan).count()
    audits = AuditEntry.objects.count()
    with pytest.raises(PlanError):
        call(plan, user)
    plan.refresh_from_db()
    assert plan.status == src
    assert (PlanEvent.objects.filter(plan=plan).count(), AuditEntry.objects.count()) == (
        events,
        audits,
    )


def test_move_refuses_every_transition_not_in_transitions(school, coordinator):
    """The one place status changes refuses every move TRANSITIONS does not list."""
    plan = started_plan(school, coordinator)
    refused, allowed = set(), set()
    for src, dst in itertools.product(PlanStatus, PlanStatus):
        Plan.objects.filter(pk=plan.pk).update(status=src)
        plan.refresh_from_db()
        try:
            with override("en"), transaction.atomic():
                services._move(plan, dst, by=coordinator, comment="")
                transaction.set_rollback(True)
        except PlanError as exc:
            refused.add((src.value, dst.value))
            with override("en"):
                assert str(exc) == f"A plan that is {src.label} cannot become {dst.label}."
        else:
            allowed.add((src.value, dst.value))
    expected = {(src.value, dst.value) for src, targets in TRANSITIONS.items() for dst in targets}
    assert allowed == expected
    assert len(refused) == 64 - len(expected)


@pytest.mark.parametrize(
    ("status", "call", "who", "message"),
    [
        (S.DRAFT, withdraw, "coordinator",
         "A plan can be withdrawn only after submission and before review."),
        (S.DRAFT, return_, "ministry", "Only a submitted plan can be returned."),
        (S.DRAFT, review_start, "ministry", "Only a submitted plan can go to review."),
        (S.SUBMITTED, decide_approve, "ministry", "Only a plan under review can be decided."),
        (S.SUBMITTED, recall, "coordinator", "Only a plan awaiting the principal can be recalled."),
        (S.DRAFT, approve, "principal", "Only a plan awaiting the principal can be approved."),
        (S.DRAFT, reopen, "coordinator", "Only a withdrawn plan can be reopened."),
        (S.UNDER_REVIEW, withdraw, "principal",
         "A plan can be withdrawn only after submission and before review."),
        (S.SUBMITTED, send_to_principal, "coordinator",
         "A plan that is Submitted cannot become Awaiting the principal."),
        (S.REJECTED, continue_, "coordinator", "Only an approved plan can be continued."),
    ],
)  # fmt: skip
def test_transition_from_wrong_status_refused(
    request, school, coordinator, principal, ministry, status, call, who, message
):
    plan = build(status, school, coordinator, principal, ministry)
    with override("en"), pytest.raises(PlanError) as refused:
        call(plan, request.getfixturevalue(who))
    assert str(refused.value) == message
    plan.refresh_from_db()
    assert plan.status == status


@pytest.mark.parametrize(
    ("status", "call", "message"),
    [
        (S.SUBMITTED, review_start, "Only ministry staff can take a plan to review."),
        (S.UNDER_REVIEW, decide_approve, "Only ministry staff can record the decision on a plan."),
        (S.UNDER_REVIEW, decide_reject, "Only ministry staff can record the decision on a plan."),
    ],
)
def test_review_and_decision_by_committee_member_refused_sel6(
    school, coordinator, principal, ministry, committee_member, status, call, message
):
    """The review and the decision are the ministry's (the review app records them)."""
    plan = build(status, school, coordinator, principal, ministry)
    with override("en"), pytest.raises(PlanError) as refused:
        call(plan, committee_member)
    assert str(refused.value) == message
    assert plan.years.count() == 0


@pytest.mark.parametrize("call", [send_back, return_])
def test_send_back_and_return_without_comment_refused(
    school, coordinator, principal, ministry, call
):
    status, by = (S.AWAITING_PRINCIPAL, principal) if call is send_back else (S.SUBMITTED, ministry)
    plan = build(status, school, coordinator, principal, ministry)
    with override("en"), pytest.raises(ValidationError) as refused:
        if call is send_back:
            services.plan_principal_send_back(plan=plan, by=by, comment="  ")
        else:
            services.plan_return(plan=plan, by=by, comment="")
    assert refused.value.message_dict == {"comment": ["Say what should change."]}


def test_plan_history_records_every_step(school, coordinator, principal, ministry):
    """A plan's whole life: its events and its audit trail, in order."""
    plan = complete_plan(started_plan(school, coordinator), coordinator)
    send_to_principal(plan, coordinator)
    recall(plan, coordinator)
    send_to_principal(plan, coordinator)
    send_back(plan, principal)
    send_to_principal(plan, coordinator)
    approve(plan, principal)
    return_(plan, ministry)
    send_to_principal(plan, coordinator)
    approve(plan, principal)
    withdraw(plan, coordinator)
    reopen(plan, coordinator)
    send_to_principal(plan, coordinator)
    approve(plan, principal)
    review_start(plan, ministry)
    decide_approve(plan, ministry)
    assert list(
        plan.events.order_by("pk").values_list("from_status", "to_status", "actor__username")
    ) == [
        ("", "draft", "coordinator-user"),
        ("draft", "awaiting_principal", "coordinator-user"),
        ("awaiting_principal", "draft", "coordinator-user"),
        ("draft", "awaiting_principal", "coordinator-user"),
        ("awaiting_principal", "draft", "principal-user"),
        ("draft", "awaiting_principal", "coordinator-user"),
        ("awaiting_principal", "submitted", "principal-user"),
        ("submitted", "returned", "ministry-user"),
        ("returned", "awaiting_principal", "coordinator-user"),
        ("awaiting_principal", "submitted", "principal-user"),
        ("submitted", "withdrawn", "coordinator-user"),
        ("withdrawn", "draft", "coordinator-user"),
        ("draft", "awaiting_principal", "coordinator-user"),
        ("awaiting_principal", "submitted", "principal-user"),
        ("submitted", "under_review", "ministry-user"),
        ("under_review", "approved", "ministry-user"),
    ]
    edits = ("plan.section.", "plan.subplan.")
    transitions = [a for a in audit_actions(plan) if not a.startswith(edits)]
    assert transitions == [
        "plan.start",
        "plan.send_to_principal",
        "plan.reopen",
        "plan.send_to_principal",
        "plan.reopen",
        "plan.send_to_principal",
        "plan.submit",
        "plan.return",
        "plan.send_to_principal",
        "plan.submit",
        "plan.withdraw",
        "plan.reopen",
        "plan.send_to_principal",
        "plan.submit",
        "plan.review_start",
        "plan.approve",
    ]
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2, 3]
    assert list(plan.years.values_list("academic_year", "status")) == [
        (116, "active"),
        (117, "active"),
        (118, "active"),
    ]


def test_send_back_comment_is_kept_on_the_event(school, coordinator, principal, ministry):
    plan = build(S.AWAITING_PRINCIPAL, school, coordinator, principal, ministry)
    send_back(plan, principal)
    assert plan.events.last().comment == "請補充預期成效。"


# --- E-mail --------------------------------------------------------------------------------


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_send_to_principal_emails_the_principal(
    school, coordinator, principal, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    plan = complete_plan(started_plan(school, coordinator), coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        send_to_principal(plan, coordinator)
    assert recipients(mailoutbox) == ["principal-user@example.edu.tw"]
    assert mailoutbox[0].subject == "[高職優質化] 有計畫待您核閱"
    assert f"/plans/{plan.pk}/" in mailoutbox[0].body


def test_submission_emails_coordinators_and_ministry(
    school,
    coordinator,
    second_coordinator,
    principal,
    ministry,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    plan = build(S.AWAITING_PRINCIPAL, school, coordinator, principal, ministry)
    with django_capture_on_commit_callbacks(execute=True):
        approve(plan, principal)
    assert recipients(mailoutbox) == [
        "coordinator-user@example.edu.tw",
        "ministry-user@example.edu.tw",
        "second-coordinator@example.edu.tw",
    ]
    assert {m.subject for m in mailoutbox} == {"[高職優質化] 計畫已送出"}


def test_return_emails_the_school(
    school, coordinator, principal, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    plan = build(S.SUBMITTED, school, coordinator, principal, ministry)
    with django_capture_on_commit_callbacks(execute=True):
        return_(plan, ministry)
    assert recipients(mailoutbox) == [
        "coordinator-user@example.edu.tw",
        "principal-user@example.edu.tw",
    ]
    assert {m.subject for m in mailoutbox} == {"[高職優質化] 計畫已退回修正"}
    assert "請修正經費。" in mailoutbox[0].body


def test_refused_transition_sends_no_email(
    school, coordinator, principal, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    plan = build(S.SUBMITTED, school, coordinator, principal, ministry)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PlanError):
        return_(plan, coordinator)
    assert mailoutbox == []


# --- APP-3: the application window, in Taiwan time --------------------------------------------

OPENS, CLOSES = dt.date(2027, 4, 1), dt.date(2027, 6, 30)


def taipei(day, *time):
    return dt.datetime(day.year, day.month, day.day, *time, tzinfo=TAIPEI)


@pytest.fixture
def awaiting(school, coordinator):
    plan = awaiting_plan(school, coordinator)
    ApplicationWindow.objects.filter(academic_year=plan.application_year).update(
        opens_on=OPENS, closes_on=CLOSES
    )
    return plan


@pytest.mark.parametrize(
    "at",
    [
        taipei(OPENS, 0, 0),
        dt.datetime(2027, 3, 31, 16, 0, tzinfo=dt.UTC),  # the same moment in UTC
        taipei(dt.date(2027, 5, 15), 10, 30),
        taipei(CLOSES, 23, 59, 59),
        taipei(CLOSES, 23, 59, 59, 999999),
    ],
    ids=["opens-0000", "opens-utc", "inside", "closes-235959", "closes-last-microsecond"],
)
def test_principal_approve_inside_window_accepted_app3(awaiting, principal, at):
    version = services.plan_principal_approve(plan=awaiting, by=principal, at=at)
    awaiting.refresh_from_db()
    assert (awaiting.status, version.number) == (S.SUBMITTED, 1)


@pytest.mark.parametrize(
    "at",
    [
        taipei(OPENS, 0, 0) - dt.timedelta(microseconds=1),
        dt.datetime(2027, 3, 31, 15, 59, 59, 999999, tzinfo=dt.UTC),  # the same moment in UTC
        taipei(dt.date(2027, 7, 1), 0, 0),
        dt.datetime(2027, 6, 30, 16, 0, tzinfo=dt.UTC),  # still 30 June in UTC, 1 July in Taipei
    ],
    ids=["before-opens", "before-opens-utc", "day-after-closes", "day-after-closes-utc"],
)
def test_principal_approve_outside_window_refused_app3(awaiting, principal, at):
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_principal_approve(plan=awaiting, by=principal, at=at)
    assert str(refused.value) == (
        "Plans for academic year 116 can be submitted from 1 Apr 2027 to 30 Jun 2027 "
        "(Taiwan time); the window is not open now (柒-二-(一)-3)."
    )
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.versions.count()) == (S.AWAITING_PRINCIPAL, 0)


def test_principal_approve_without_window_refused_app3(awaiting, principal):
    ApplicationWindow.objects.all().delete()
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_principal_approve(plan=awaiting, by=principal)
    assert str(refused.value) == (
        "No application window is set for academic year 116 (柒-二-(一)-3)."
    )


def test_window_allows_submission_boundaries_app3(awaiting):
    allows = services.window_allows_submission
    assert allows(awaiting, taipei(OPENS, 0, 0)) is True
    assert allows(awaiting, taipei(OPENS, 0, 0) - dt.timedelta(microseconds=1)) is False
    assert allows(awaiting, taipei(CLOSES, 23, 59, 59)) is True
    assert allows(awaiting, taipei(dt.date(2027, 7, 1), 0, 0)) is False


@pytest.fixture
def returned(school, coordinator, principal, ministry):
    """Submitted in the window, returned with a revision due date after the window closes."""
    plan = submitted_plan(school, coordinator, principal)
    ApplicationWindow.objects.filter(academic_year=plan.application_year).update(
        opens_on=OPENS, closes_on=CLOSES
    )
    return services.plan_return(
        plan=plan, by=ministry, comment="請修正經費。", revision_due=dt.date(2027, 7, 10)
    )


def test_returned_plan_resubmitted_until_revision_due_app3(returned, coordinator, principal):
    """APP-3: a returned plan may be resubmitted after the window, until its due date."""
    assert returned.revision_due == dt.date(2027, 7, 10)
    services.plan_send_to_principal(plan=returned, by=coordinator)
    version = services.plan_principal_approve(
        plan=returned, by=principal, at=taipei(dt.date(2027, 7, 10), 23, 59, 59)
    )
    returned.refresh_from_db()
    assert (returned.status, version.number, returned.revision_due) == (S.SUBMITTED, 2, None)


def test_returned_plan_after_revision_due_refused_app3(returned, coordinator, principal):
    services.plan_send_to_principal(plan=returned, by=coordinator)
    with pytest.raises(PlanError):
        services.plan_principal_approve(
            plan=returned, by=principal, at=taipei(dt.date(2027, 7, 11), 0, 0)
        )
    returned.refresh_from_db()
    assert returned.status == S.AWAITING_PRINCIPAL


def test_returned_plan_sent_back_by_principal_keeps_revision_due_app3(
    returned, coordinator, principal
):
    services.plan_send_to_principal(plan=returned, by=coordinator)
    send_back(returned, principal)
    returned.refresh_from_db()
    assert (returned.status, returned.revision_due) == (S.DRAFT, dt.date(2027, 7, 10))
    services.plan_send_to_principal(plan=returned, by=coordinator)
    services.plan_principal_approve(
        plan=returned, by=principal, at=taipei(dt.date(2027, 7, 5), 9, 0)
    )
    returned.refresh_from_db()
    assert returned.status == S.SUBMITTED


def test_returned_without_due_date_waits_for_window_app3(school, coordinator, principal, ministry):
    plan = submitted_plan(school, coordinator, principal)
    ApplicationWindow.objects.filter(academic_year=plan.application_year).update(
        opens_on=OPENS, closes_on=CLOSES
    )
    plan = services.plan_return(plan=plan, by=ministry, comment="請修正。")
    services.plan_send_to_principal(plan=plan, by=coordinator)
    with pytest.raises(PlanError):
        services.plan_principal_approve(plan=plan, by=principal, at=taipei(dt.date(2027, 7, 1), 9))


# --- Versions -----------------------------------------------------------------------------------


def test_submission_stores_snapshot_version(school, coordinator, principal):
    plan = awaiting_plan(school, coordinator)
    expected = plan_snapshot(plan)
    version = services.plan_principal_approve(plan=plan, by=principal)
    version.refresh_from_db()
    assert (version.number, version.academic_year, version.kind, version.submitted_by) == (
        1,
        116,
        "new",
        principal,
    )
    assert version.snapshot == expected
    assert version.totals == {
        "years": {
            "116": {"total": "15.000", "subsidy": "15.000", "own_funds": "0.000"},
            "117": {"total": "15.000", "subsidy": "15.000", "own_funds": "0.000"},
            "118": {"total": "15.000", "subsidy": "15.000", "own_funds": "0.000"},
        },
        "fiscal_years": {
            "116": {"total": "0.000", "subsidy": "0.000", "own_funds": "0.000"},
            "117": {"total": "15.000", "subsidy": "15.000", "own_funds": "0.000"},
            "118": {"total": "15.000", "subsidy": "15.000", "own_funds": "0.000"},
            "119": {"total": "15.000", "subsidy": "15.000", "own_funds": "0.000"},
        },
        "items": {"7": {"total": "45.000", "subsidy": "45.000", "own_funds": "0.000"}},
        "grand": {"total": "45.000", "subsidy": "45.000", "own_funds": "0.000"},
    }


def test_plan_version_is_immutable(school, coordinator, principal):
    plan = submitted_plan(school, coordinator, principal)
    version = plan.versions.get()
    version.snapshot = {"forged": True}
    with pytest.raises(ValueError, match=r"^A submitted version cannot be changed\.$"):
        version.save()
    assert PlanVersion.objects.get(pk=version.pk).snapshot["school"]["code"] == school.code


def edit_after_return(plan, coordinator):
    """Change the goals, a sub-plan's title and a line's subsidy."""
    goals = plan.sections.get(key=SectionKey.GOALS)
    services.section_save(
        plan=plan,
        key=SectionKey.GOALS,
        data={**goals.data, "goals": "深化學習品質。"},
        revision=goals.revision,
        by=coordinator,
    )
    subplan = plan.subplans.get(item=7)
    subplan.title = "學習共同體"
    services.subplan_save(plan=plan, subplan=subplan, revision=subplan.revision, by=coordinator)
    line = plan.budget_lines.get(academic_year=116)
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(
            subplan, 116, unit="式", unit_price=Decimal("1.5"), subsidy=Decimal("12")
        ),
        revision=line.revision,
        by=coordinator,
    )


def test_resubmission_stores_a_second_version_first_unchanged(
    school, coordinator, principal, ministry
):
    plan = submitted_plan(school, coordinator, principal)
    first = plan.versions.get().snapshot
    plan = services.plan_return(plan=plan, by=ministry, comment="請修正。")
    edit_after_return(plan, coordinator)
    services.plan_send_to_principal(plan=plan, by=coordinator)
    second = services.plan_principal_approve(plan=plan, by=principal)
    assert second.number == 2
    assert plan.versions.get(number=1).snapshot == first
    assert second.snapshot["sections"]["goals"]["goals"] == "深化學習品質。"


def test_version_diff_lists_exactly_the_changed_fields(school, coordinator, principal, ministry):
    plan = submitted_plan(school, coordinator, principal)
    plan = services.plan_return(plan=plan, by=ministry, comment="請修正。")
    edit_after_return(plan, coordinator)
    services.plan_send_to_principal(plan=plan, by=coordinator)
    services.plan_principal_approve(plan=plan, by=principal)
    old, new = (v.snapshot for v in plan.versions.order_by("number"))
    with override("en"):
        changes = version_diff(old, new)
    assert changes == [
        Change(
            "School development goals",
            "School development goals",
            "提升學生學習成效與產學鏈結。",
            "深化學習品質。",
        ),
        Change("Sub-plan 學習共同體", "sub-plan title", "項目7子計畫", "學習共同體"),
        Change("Budget 116: 講座鐘點費", "subsidy", "15.000", "12.000"),
        Change("Budget 116: 講座鐘點費", "own_funds", "0.000", "3.000"),
        Change("Budget totals", "Academic year 116", "15.000", "15.000"),
    ]


def test_version_diff_same_snapshot_is_empty(school, coordinator, principal):
    plan = submitted_plan(school, coordinator, principal)
    snapshot = plan.versions.get().snapshot
    assert version_diff(snapshot, snapshot) == []


def test_version_diff_added_and_removed_parts(school, coordinator, principal):
    plan = submitted_plan(school, coordinator, principal)
    old = plan.versions.get().snapshot
    new = {
        **old,
        "subplans": [s for s in old["subplans"] if s["item"] == 7],
        "budget": [],
        "totals": {},
    }
    with override("en"):
        changes = version_diff(old, new)
    exchange = next(s for s in old["subplans"] if s["is_exchange"])
    assert changes[0] == Change("Sub-plan 校際交流觀摩", "removed", exchange["title"], None)
    assert [c.field for c in changes[1:4]] == ["removed", "removed", "removed"]
    assert [c.part for c in changes[4:]] == ["Budget totals"] * 3
