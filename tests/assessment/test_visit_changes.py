"""Ministry staff move or cancel a scheduled visit of the evaluation panel (OVS-1): the school
and the assigned members are told by e-mail, each change is audited, and a cancelled visit no
longer counts — the outcome waits for a visit that took place and the school can be visited
again."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from assessment import services
from assessment.checks import outcome_missing
from assessment.enums import VisitStatus
from assessment.models import Visit
from portal.audit.models import AuditEntry
from tests.assessment.builders import YEAR, approved_plan
from tests.factories import UserFactory, grant


@pytest.fixture
def panel(ministry):
    return services.panel_create(
        academic_year=YEAR, name="考評小組", levels=["優", "甲"], by=ministry
    )


@pytest.fixture
def member(panel, panel_member, ministry):
    return services.member_add(panel=panel, user=panel_member, by=ministry)


@pytest.fixture
def visit(panel, member, plan, ministry):
    services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    return services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="行政大樓會議室",
        by=ministry,
    )


def _recipients():
    return sorted(m.to[0] for m in mail.outbox)


def test_visit_moved_tells_school_and_members_and_is_audited_ovs1(
    visit, ministry, coordinator, principal, member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    later = timezone.now() + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_reschedule(visit=visit, starts_at=later, place="圖書館會議室", by=ministry)
    visit.refresh_from_db()
    assert (visit.starts_at, visit.place, visit.status) == (
        later,
        "圖書館會議室",
        VisitStatus.SCHEDULED,
    )
    assert _recipients() == sorted([coordinator.email, principal.email, member.user.email])
    assert "已改期" in mail.outbox[0].subject
    assert "115年11月30日" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="assessment.visit_reschedule")
    assert (entry.actor, entry.school, entry.before["place"], entry.after["place"]) == (
        ministry,
        visit.school,
        "行政大樓會議室",
        "圖書館會議室",
    )


def test_visit_cancelled_with_its_reason_tells_everyone_ovs1(
    visit, ministry, coordinator, principal, member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with pytest.raises(ValidationError) as refused:
        services.visit_cancel(visit=visit, reason="  ", by=ministry)
    assert "reason" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_cancel(visit=visit, reason="颱風停班停課", by=ministry)
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason, visit.cancelled_by) == (
        VisitStatus.CANCELLED,
        "颱風停班停課",
        ministry,
    )
    assert _recipients() == sorted([coordinator.email, principal.email, member.user.email])
    assert "颱風停班停課" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="assessment.visit_cancel")
    assert (entry.actor, entry.note, entry.after["status"]) == (
        ministry,
        "颱風停班停課",
        "cancelled",
    )


def test_cancelled_visit_no_longer_counts_and_another_can_be_scheduled_ovs1(
    visit, panel, plan, ministry
):
    services.visit_cancel(visit=visit, reason="颱風停班停課", by=ministry)
    with override("zh-hant"):
        texts = [m.text for m in outcome_missing(plan, YEAR)]
    assert any("考評小組尚未於 114 學年度訪視學校" in t for t in texts)
    again = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() + dt.timedelta(days=21),
        place="行政大樓會議室",
        by=ministry,
    )
    assert again.pk != visit.pk
    assert list(Visit.objects.order_by("pk").values_list("status", flat=True)) == [
        VisitStatus.CANCELLED,
        VisitStatus.SCHEDULED,
    ]


def test_cancelled_or_done_visit_cannot_be_moved_or_cancelled_ovs1(visit, ministry, member):
    services.visit_cancel(visit=visit, reason="改期", by=ministry)
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.visit_reschedule(visit=visit, starts_at=timezone.now(), place="", by=ministry)
    assert str(refused.value) == "此訪視已取消。"
    with pytest.raises(services.AssessmentError):
        services.visit_cancel(visit=visit, reason="再取消", by=ministry)
    assert AuditEntry.objects.filter(action="assessment.visit_cancel").count() == 1


def test_visit_done_cannot_be_cancelled_ovs1(panel, member, plan, ministry):
    services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="",
        by=ministry,
    )
    services.visit_record(
        visit=visit, minutes="紀錄", school_attendees="", members_present=[member], by=member.user
    )
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.visit_cancel(visit=visit, reason="誤排", by=ministry)
    assert str(refused.value) == "此訪視已完成。"


def test_only_ministry_staff_move_or_cancel_a_visit(visit, member, coordinator):
    for user in (member.user, coordinator):
        with pytest.raises(services.AssessmentError):
            services.visit_cancel(visit=visit, reason="x", by=user)
        with pytest.raises(services.AssessmentError):
            services.visit_reschedule(visit=visit, starts_at=timezone.now(), place="", by=user)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


# --- The page ------------------------------------------------------------------------------


def test_visit_page_moves_the_visit(visit, ministry, client_for):
    url = reverse("assessment:visit_manage", args=[visit.pk])
    client = client_for(ministry)
    page = client.get(url).content.decode()
    assert "調整訪視時間地點" in page and "取消訪視" in page
    response = client.post(
        url, {"form": "reschedule", "move-starts_at": "115/12/03 09:30", "move-place": "禮堂"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M"), visit.place) == (
        "2026-12-03 09:30",
        "禮堂",
    )


def test_visit_page_cancel_without_reason_keeps_the_visit(visit, ministry, client_for):
    url = reverse("assessment:visit_manage", args=[visit.pk])
    client = client_for(ministry)
    response = client.post(url, {"form": "cancel", "cancel-reason": ""})
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED
    response = client.post(url, {"form": "cancel", "cancel-reason": "委員臨時無法出席"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == (VisitStatus.CANCELLED, "委員臨時無法出席")
    page = client.get(url).content.decode()
    assert "委員臨時無法出席" in page
    assert 'name="form" value="cancel"' not in page


@pytest.mark.parametrize("role", ["coordinator", "principal", "member", "other_panel"])
def test_visit_page_refused_to_other_roles(role, visit, coordinator, principal, member, client_for):
    users = {
        "coordinator": coordinator,
        "principal": principal,
        "member": member.user,
        "other_panel": grant(UserFactory(username="other-panel"), "panel"),
    }
    client = client_for(users[role])
    url = reverse("assessment:visit_manage", args=[visit.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(url, {"form": "cancel", "cancel-reason": "取消"})
    assert response.status_code in (403, 404)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


def test_visit_page_of_another_schools_visit_refused_to_its_coordinator(
    panel, ministry, visit, other_school, client_for
):
    other_plan = approved_plan(other_school, ministry, values=False)
    other_visit = services.visit_schedule(
        panel=panel,
        plan=other_plan,
        starts_at=timezone.now() + dt.timedelta(days=9),
        place="",
        by=ministry,
    )
    outsider = grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)
    client = client_for(outsider)
    for target in (visit, other_visit):
        url = reverse("assessment:visit_manage", args=[target.pk])
        assert client.post(url, {"form": "cancel", "cancel-reason": "x"}).status_code in (403, 404)
    assert Visit.objects.filter(status=VisitStatus.CANCELLED).count() == 0
