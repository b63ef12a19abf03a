"""What the server refuses even when a page never offers it: a POST by the wrong role, another
school's objects by id, a later year decided before the year before it passed (SCHED-3), a
member evaluating after declaring a conflict (OVS-1) or after the outcome (PERF-6)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from applications.enums import YearStatus
from assessment import services
from assessment.enums import Decision, ReportStatus
from assessment.models import Finding, Outcome, ResultsReport
from tests.assessment.builders import (
    YEAR,
    ready_for_outcome,
    submitted_report,
    visited,
    write_report,
)
from tests.factories import UserFactory, grant


@pytest.fixture
def other_coordinator(other_school):
    return grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)


@pytest.fixture
def assignment(plan, ministry, panel_member):
    panel = services.panel_create(
        academic_year=YEAR, name="考評小組", levels=["優", "甲"], by=ministry
    )
    member = services.member_add(panel=panel, user=panel_member, by=ministry)
    return services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)


def test_later_year_decided_before_the_year_before_passed_refused_sched3(
    plan, coordinator, principal, ministry
):
    """Years 114 and 115 are both open: 115 cannot be passed while 114 has no outcome."""
    later = services.report_start(plan=plan, academic_year=115, by=coordinator)
    ResultsReport.objects.filter(pk=later.pk).update(status=ReportStatus.SUBMITTED)
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.outcome_decide(
            plan=plan, academic_year=115, decision=Decision.CONTINUE, by=ministry
        )
    assert "114" in str(refused.value) and "115" in str(refused.value)
    assert "SCHED" not in str(refused.value)
    assert plan.years.get(academic_year=115).status == YearStatus.ACTIVE
    assert not Outcome.objects.exists()
    ready_for_outcome(plan, coordinator, principal, ministry)
    services.outcome_decide(plan=plan, academic_year=YEAR, decision=Decision.CONTINUE, by=ministry)
    visited(plan, ministry, year=115)
    services.outcome_decide(plan=plan, academic_year=115, decision=Decision.CONTINUE, by=ministry)
    assert plan.years.get(academic_year=115).status == YearStatus.PASSED


def test_member_with_findings_stops_after_declaring_a_conflict_ovs1(
    assignment, panel_member, ministry
):
    """The assignment is kept for its findings, but the member can no longer evaluate."""
    services.finding_save(assignment=assignment, item=7, text="社群運作良好", by=panel_member)
    services.member_conflicts_set(
        member=assignment.member, schools=[assignment.school], note="曾任該校教師", by=ministry
    )
    with pytest.raises(services.AssessmentError):
        services.finding_save(assignment=assignment, item=7, text="改寫", by=panel_member)
    with pytest.raises(services.AssessmentError):
        services.rating_save(
            assignment=assignment,
            rating=assignment.panel.levels.first(),
            opinion="",
            by=panel_member,
        )
    assert Finding.objects.get().text == "社群運作良好"


def test_member_cannot_change_the_rating_after_the_outcome_perf6(
    assignment, plan, coordinator, principal, ministry, panel_member
):
    level = assignment.panel.levels.get(label="甲")
    services.rating_save(assignment=assignment, rating=level, opinion="良好", by=panel_member)
    ready_for_outcome(plan, coordinator, principal, ministry)
    services.outcome_decide(plan=plan, academic_year=YEAR, decision=Decision.CONTINUE, by=ministry)
    with pytest.raises(services.AssessmentError):
        services.rating_save(
            assignment=assignment,
            rating=assignment.panel.levels.get(label="優"),
            opinion="改為優",
            by=panel_member,
        )
    with pytest.raises(services.AssessmentError):
        services.recommendation_add(assignment=assignment, item=7, text="x", by=panel_member)
    assignment.refresh_from_db()
    assert (assignment.rating, assignment.opinion) == (level, "良好")


@pytest.mark.parametrize("action", ["accept", "return"])
def test_school_posting_the_ministrys_actions_refused(
    action, plan, coordinator, principal, client_for
):
    report = submitted_report(plan, coordinator, principal)
    url = reverse("assessment:report_action", args=[report.pk, action])
    for user in (coordinator, principal):
        response = client_for(user).post(url, {"comment": "x"})
        assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_coordinator_posting_the_principals_sign_off_refused(plan, coordinator, client_for):
    from tests.assessment.builders import open_window, started_report

    open_window()
    report = write_report(started_report(plan, coordinator), coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    response = client_for(coordinator).post(
        reverse("assessment:report_action", args=[report.pk, "approve"])
    )
    assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_PRINCIPAL
    assert not report.versions.exists()


def test_another_schools_coordinator_cannot_touch_the_report(
    plan, coordinator, other_coordinator, client_for
):
    from tests.assessment.builders import started_report

    report = started_report(plan, coordinator)
    execution = report.executions.first()
    client = client_for(other_coordinator)
    for url, data in (
        (reverse("assessment:report_summary", args=[report.pk]), {"summary": "x"}),
        (
            reverse("assessment:report_part", args=[report.pk, "execution", execution.pk]),
            {f"e{execution.pk}-activities": "x"},
        ),
        (reverse("assessment:report_action", args=[report.pk, "send"]), {}),
        (reverse("assessment:report_pdf", args=[report.pk]), {}),
    ):
        assert client.post(url, data).status_code in (403, 404), url
    year = plan.years.get(academic_year=115)
    response = client.post(reverse("assessment:report_start"), {"plan_year": year.pk})
    assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert report.summary == ""
    assert ResultsReport.objects.filter(plan=plan).count() == 1


def test_another_schools_coordinator_cannot_answer_a_recommendation(
    assignment, panel_member, other_coordinator, client_for
):
    rec = services.recommendation_add(
        assignment=assignment, item=7, text="擴大社群參與", by=panel_member
    )
    response = client_for(other_coordinator).post(
        reverse("assessment:recommendation_answer", args=[rec.pk]), {"answer": "冒名回覆"}
    )
    assert response.status_code in (403, 404)
    rec.refresh_from_db()
    assert rec.answer == ""


def test_panel_member_cannot_record_a_visit_of_a_school_not_theirs(
    plan, ministry, panel_member, client_for
):
    panel = services.panel_create(academic_year=YEAR, name="考評小組", levels=["優"], by=ministry)
    services.member_add(panel=panel, user=panel_member, by=ministry)
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="會議室",
        by=ministry,
    )
    response = client_for(panel_member).post(
        reverse("assessment:visit_record", args=[visit.pk]), {"minutes": "偽造紀錄"}
    )
    assert response.status_code in (403, 404)
    visit.refresh_from_db()
    assert visit.minutes == ""


def test_report_without_the_years_values_cannot_skip_the_misses_perf1(
    school, coordinator, ministry
):
    """No value reported means no target judged: each such indicator needs an explanation,
    or the school would submit by leaving its values out."""
    from indicators.models import PlanIndicator
    from tests.assessment.builders import approved_plan, open_window, started_report

    plan = approved_plan(school, ministry, values=False)
    open_window()
    report = write_report(started_report(plan, coordinator), coordinator)
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.report_send_to_principal(report=report, by=coordinator)
    rows = PlanIndicator.objects.filter(plan=plan).select_related("indicator")
    others = [r for r in rows if r.indicator.key != "T02"]
    assert all(r.indicator.name in str(refused.value) for r in others)
    for row in others:
        services.part_save(
            report=report,
            part=services.explanation_for(report, row),
            values={"explanation": "本年度數值尚在彙整。", "actions": ""},
            revision=None,
            by=coordinator,
        )
    services.report_send_to_principal(report=report, by=coordinator)
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_PRINCIPAL


def test_assignment_page_offers_no_forms_once_the_outcome_is_decided(
    assignment, plan, coordinator, principal, ministry, panel_member, client_for
):
    url = reverse("assessment:assignment", args=[assignment.pk])
    client = client_for(panel_member)
    assert 'value="rating"' in client.get(url).content.decode()
    ready_for_outcome(plan, coordinator, principal, ministry)
    services.outcome_decide(plan=plan, academic_year=YEAR, decision=Decision.CONTINUE, by=ministry)
    page = client.get(url).content.decode()
    assert 'value="rating"' not in page and 'value="finding"' not in page
    assert "考評委員之評核已截止" in page
    response = client.post(url, {"form": "rating", "rating-rating": "", "rating-opinion": "x"})
    assignment.refresh_from_db()
    assert assignment.opinion == ""
    assert response.status_code in (200, 302)


def test_board_offers_the_decision_only_on_a_submitted_report(
    plan, coordinator, principal, ministry, client_for
):
    """The outcome rests on the report (柒-四、玖-二): no "decide" button before it is in."""
    decide = reverse("assessment:outcome_decide", args=[plan.pk, YEAR])
    board = reverse("assessment:board") + f"?year={YEAR}"
    client = client_for(ministry)
    assert decide not in client.get(board).content.decode()
    submitted_report(plan, coordinator, principal)
    page = client.get(board).content.decode()
    assert decide in page
    assert '"precision": 0' in page  # the outcome chart counts schools: whole ticks


def test_corrected_visit_minutes_keep_the_first_record_in_the_audit_trail(
    plan, ministry, panel_member
):
    from portal.audit.models import AuditEntry

    panel = services.panel_create(academic_year=YEAR, name="考評小組", levels=["優"], by=ministry)
    member = services.member_add(panel=panel, user=panel_member, by=ministry)
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="會議室",
        by=ministry,
    )
    for minutes in ("第一次紀錄", "更正後紀錄"):
        services.visit_record(
            visit=visit,
            minutes=minutes,
            school_attendees="校長、主任",
            members_present=[member],
            by=ministry,
        )
    last = AuditEntry.objects.filter(action="assessment.visit_record").order_by("pk").last()
    assert (last.before["minutes"], last.after["minutes"]) == ("第一次紀錄", "更正後紀錄")
    assert last.after["members_present"] == [member.pk]
