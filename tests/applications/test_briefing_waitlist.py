"""Briefings (APP-1): a registration can be changed; a full session has a waiting list that
moves up when a registered school cancels (audited, the school moved up e-mailed); the demo
has one open session."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import briefing_selectors as selectors
from applications import services
from applications.models import BriefingRegistration, BriefingSession
from applications.services import PlanError
from portal.audit.models import AuditEntry
from tests.applications.test_briefings import make_session, register
from tests.factories import SchoolFactory, UserFactory, evaluated_school, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_school():
    school = evaluated_school(scores=["85"] * 8, name="國立第三高職")
    return school, grant(UserFactory(), "coordinator", school=school)


@pytest.fixture
def full(ministry, school, coordinator):
    session = make_session(ministry, capacity=1)
    register(session, school, coordinator)
    return session


def test_full_session_takes_schools_on_its_waiting_list(
    full, other_school, other_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiting = register(full, other_school, other_coordinator)
    assert waiting.waitlisted is True
    session = selectors.session_detail(full.pk)
    assert (session.registered, session.waiting) == (1, 1)
    assert "候補名單" in mailoutbox[-1].subject
    entry = AuditEntry.objects.filter(action="briefing.register").order_by("pk").last()
    assert entry.after["waitlisted"] is True


def test_waiting_list_moves_up_when_a_registered_school_cancels(
    full,
    school,
    coordinator,
    other_school,
    other_coordinator,
    third_school,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    first = register(full, other_school, other_coordinator)
    second = register(full, third_school[0], third_school[1])
    registered = BriefingRegistration.objects.get(school=school, session=full)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_unregister(registration=registered, by=coordinator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.waitlisted, first.promoted_at is not None) == (False, True)
    assert second.waitlisted is True
    entry = AuditEntry.objects.get(action="briefing.move_up")
    assert (entry.school, entry.actor) == (other_school, coordinator)
    moved_up = [m for m in mailoutbox if "名額" in m.subject]
    assert [m.to[0] for m in moved_up] == [other_coordinator.email]
    assert other_school.name in moved_up[0].body


def test_cancelling_from_the_waiting_list_moves_nobody(
    full, other_school, other_coordinator, third_school
):
    waiting = register(full, other_school, other_coordinator)
    later = register(full, third_school[0], third_school[1])
    services.briefing_unregister(registration=waiting, by=other_coordinator)
    later.refresh_from_db()
    assert later.waitlisted is True
    assert not AuditEntry.objects.filter(action="briefing.move_up").exists()


def test_more_room_moves_the_waiting_list_up(full, ministry, other_school, other_coordinator):
    waiting = register(full, other_school, other_coordinator)
    full.capacity = 2
    services.briefing_save(session=full, by=ministry)
    waiting.refresh_from_db()
    assert waiting.waitlisted is False


def test_registration_changed_and_audited(client_for, full, school, coordinator):
    registration = BriefingRegistration.objects.get(school=school, session=full)
    url = reverse("applications:briefing_registration_change", args=[full.pk, registration.pk])
    page = client_for(coordinator).get(url)
    assert page.status_code == 200
    assert registration.attendees in page.content.decode()
    response = client_for(coordinator).post(
        url, {"attendees": "林主任、張組長、王老師", "attendee_count": "3"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.attendees, registration.attendee_count) == ("林主任、張組長、王老師", 3)
    assert registration.changed_at is not None
    entry = AuditEntry.objects.get(action="briefing.registration.change")
    assert entry.after == {"attendees": "林主任、張組長、王老師", "count": 3}
    assert entry.before["count"] == 2


def test_registration_change_refused_after_start(full, school, coordinator):
    registration = BriefingRegistration.objects.get(school=school, session=full)
    BriefingSession.objects.filter(pk=full.pk).update(
        starts_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    with pytest.raises(PlanError):
        services.briefing_registration_change(
            registration=registration, attendees="改", attendee_count=1, by=coordinator
        )


@pytest.mark.parametrize("who", ["other_coordinator", "ministry", "committee_member"])
def test_registration_change_page_of_another_school_not_found(
    request, client_for, full, school, who
):
    registration = BriefingRegistration.objects.get(school=school, session=full)
    url = reverse("applications:briefing_registration_change", args=[full.pk, registration.pk])
    user = request.getfixturevalue(who)
    assert client_for(user).get(url).status_code in (403, 404)
    client_for(user).post(url, {"attendees": "改", "attendee_count": "1"})
    registration.refresh_from_db()
    assert registration.attendees != "改"


def test_detail_page_offers_the_waiting_list_and_shows_the_place(
    client_for, full, other_school, other_coordinator
):
    url = reverse("applications:briefing_detail", args=[full.pk])
    html = client_for(other_coordinator).get(url).content.decode()
    assert "加入候補名單" in html
    register(full, other_school, other_coordinator)
    html = client_for(other_coordinator).get(url).content.decode()
    assert "候補第 1 位" in html


def test_registrations_page_lists_the_waiting_list_apart(
    client_for, ministry, full, other_school, other_coordinator
):
    register(full, other_school, other_coordinator)
    response = client_for(ministry).get(
        reverse("applications:briefing_registrations", args=[full.pk])
    )
    assert [r.school for r in response.context["active"]] != [other_school]
    assert [r.school for r in response.context["waiting"]] == [other_school]


def test_demo_has_one_open_session(ministry):
    from applications.demo import SUBMITTED, seed_briefing

    SchoolFactory(code=SUBMITTED[0])
    seed_briefing(ministry)
    seed_briefing(ministry)  # seeding twice adds nothing
    session = selectors.session_detail(BriefingSession.objects.get().pk)
    assert selectors.session_state(session) == selectors.State.OPEN
    assert session.registered == 1
