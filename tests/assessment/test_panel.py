"""The evaluation panel (OVS-1): only panel-role users sit on it; a member is never assigned a
school they belong to or declared a conflict with; visits are e-mailed; a member records
findings, a rating and recommendations on their own schools only; the school answers."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from assessment import services
from assessment.enums import VisitStatus
from assessment.models import Assignment
from portal.audit.models import AuditEntry
from tests.assessment.builders import YEAR, approved_plan
from tests.factories import UserFactory, grant


@pytest.fixture
def panel(ministry):
    return services.panel_create(
        academic_year=YEAR, name="114學年度考評小組", levels=["優", "甲", "乙"], by=ministry
    )


@pytest.fixture
def member(panel, panel_member, ministry):
    return services.member_add(panel=panel, user=panel_member, by=ministry)


def test_panel_has_its_own_rating_scale_ovs1(panel):
    assert [level.label for level in panel.levels.all()] == ["優", "甲", "乙"]


def test_member_without_the_panel_role_refused_ovs1(panel, ministry, advisor):
    with pytest.raises(services.AssessmentError):
        services.member_add(panel=panel, user=advisor, by=ministry)


def test_panel_by_school_refused(coordinator):
    with pytest.raises(services.AssessmentError):
        services.panel_create(academic_year=YEAR, name="x", levels=[], by=coordinator)


def test_assignment_to_own_school_refused_ovs1(panel, plan, ministry):
    teacher = grant(UserFactory(username="panel-teacher"), "panel")
    grant(teacher, "coordinator", school=plan.school)
    member = services.member_add(panel=panel, user=teacher, by=ministry)
    with pytest.raises(services.AssessmentError) as refused:
        services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    assert plan.school.name in str(refused.value)
    assert Assignment.objects.count() == 0


def test_assignment_to_affiliated_school_refused_ovs1(panel, plan, ministry):
    from portal.accounts.models import RoleGrant

    user = UserFactory(username="panel-affiliated")
    RoleGrant.objects.create(user=user, role="panel", affiliated_school=plan.school)
    member = services.member_add(panel=panel, user=user, by=ministry)
    with pytest.raises(services.AssessmentError):
        services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)


def test_assignment_after_a_declared_conflict_refused_ovs1(panel, member, plan, ministry):
    services.member_conflicts_set(member=member, schools=[plan.school], note="曾任教", by=ministry)
    with pytest.raises(services.AssessmentError) as refused:
        services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    assert plan.school.name in str(refused.value)


def test_declaring_a_conflict_takes_an_untouched_assignment_off(panel, member, plan, ministry):
    services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    services.member_conflicts_set(member=member, schools=[plan.school], note="", by=member.user)
    assert Assignment.objects.count() == 0
    assert AuditEntry.objects.filter(action="assessment.member_conflicts").count() == 1


def test_visit_scheduled_tells_school_and_members(
    panel, member, plan, ministry, coordinator, principal, django_capture_on_commit_callbacks
):
    services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    mail.outbox.clear()
    starts = timezone.now() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_schedule(
            panel=panel, plan=plan, starts_at=starts, place="會議室", by=ministry
        )
    assert visit.status == VisitStatus.SCHEDULED
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([coordinator.email, principal.email, member.user.email])


def test_visit_recorded_only_after_it_happened(panel, member, plan, ministry):
    services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="",
        by=ministry,
    )
    with pytest.raises(services.AssessmentError):
        services.visit_record(
            visit=visit,
            minutes="紀錄",
            school_attendees="",
            members_present=[member],
            by=member.user,
        )
    visit.starts_at = timezone.now() - dt.timedelta(hours=1)
    visit.save(update_fields=["starts_at"])
    services.visit_record(
        visit=visit,
        minutes="訪視紀錄",
        school_attendees="校長、主任",
        members_present=[member],
        by=member.user,
    )
    visit.refresh_from_db()
    assert (visit.status, list(visit.members_present.all())) == (VisitStatus.DONE, [member])


def test_member_evaluates_only_own_assignment_ovs1(panel, member, plan, ministry, school):
    other_user = grant(UserFactory(username="panel-other"), "panel")
    other = services.member_add(panel=panel, user=other_user, by=ministry)
    assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    with pytest.raises(services.AssessmentError):
        services.finding_save(assignment=assignment, item=7, text="x", by=other.user)
    finding = services.finding_save(
        assignment=assignment, item=7, text="社群運作良好", by=member.user
    )
    assert finding.text == "社群運作良好"
    level = panel.levels.get(label="甲")
    services.rating_save(assignment=assignment, rating=level, opinion="良好", by=member.user)
    assignment.refresh_from_db()
    assert assignment.rating == level
    rec = services.recommendation_add(
        assignment=assignment, item=7, text="擴大社群參與", by=member.user
    )
    assert AuditEntry.objects.filter(action="assessment.rating").count() == 1
    assert rec.school == school


def test_rating_from_another_panels_scale_refused(panel, member, plan, ministry):
    other = services.panel_create(academic_year=113, name="113", levels=["A"], by=ministry)
    assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.rating_save(
            assignment=assignment, rating=other.levels.get(), opinion="", by=member.user
        )


def test_school_answers_a_recommendation(panel, member, plan, ministry, coordinator, other_school):
    assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    rec = services.recommendation_add(assignment=assignment, item=None, text="建議", by=member.user)
    outsider = grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)
    with pytest.raises(services.AssessmentError):
        services.recommendation_answer(recommendation=rec, answer="x", by=outsider)
    services.recommendation_answer(recommendation=rec, answer="已辦理研習", by=coordinator)
    rec.refresh_from_db()
    assert rec.answer == "已辦理研習"


def test_panel_candidates_exclude_ended_support(panel, plan, ministry, other_school):
    from assessment.selectors import panel_candidates

    approved_plan(other_school, ministry, values=False)
    assert panel_candidates(panel).count() == 2
