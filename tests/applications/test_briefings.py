"""Briefing sessions (計畫提報說明會, APP-1): the ministry announces, schools register.

Services first (the rules and their refusals, audit rows, e-mail), then the pages
(who may see and do what, Taiwan time, the export, the home page, query counts).
"""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.briefing_selectors import briefings_for_school, session_list
from applications.models import BriefingRegistration, BriefingSession
from applications.services import PlanError
from portal.audit.models import AuditEntry
from portal.programme import calendar
from portal.programme.models import Phase
from portal.templatetags.portal import roc_datetime
from tests.factories import SchoolFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

PLACE = "國立臺中高工 圖書館五樓會議室"


def taipei(days, hour=14, minute=0):
    """An aware datetime ``days`` from today at ``hour``:``minute`` Taiwan time."""
    day = calendar.taipei_today() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=calendar.TAIPEI)


def make_session(by, days=10, **fields):
    """A session arranged directly (past ones included); behaviour goes through the services."""
    values = {
        "title": "115學年度計畫提報說明會（中區場）",
        "starts_at": taipei(days, 14),
        "ends_at": taipei(days, 16),
        "place": PLACE,
        "registration_closes_at": taipei(days - 3, 17),
        "created_by": by,
        **fields,
    }
    return BriefingSession.objects.create(**values)


def register(session, school, by, count=2):
    return services.briefing_register(
        session=session,
        school=school,
        attendees="王大明 教務主任、李小華 實習輔導主任",
        attendee_count=count,
        by=by,
    )


def coordinator_of(school, name):
    return grant(UserFactory(username=name), "coordinator", school=school)


def actions(target):
    return list(
        AuditEntry.objects.filter(target_id=str(target.pk), action__startswith="briefing.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- Services: announcing and changing ----------------------------------------------------


def test_briefing_save_announces_and_audits_app1(
    ministry, coordinator, principal, mailoutbox, django_capture_on_commit_callbacks
):
    """APP-1: ministry staff announce a session; the schools' staff are e-mailed."""
    session = BriefingSession(
        title="115學年度計畫提報說明會",
        starts_at=taipei(20),
        ends_at=taipei(20, 17),
        online_url="https://meet.example.gov.tw/briefing",
        capacity=40,
        registration_closes_at=taipei(15, 17),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_save(session=session, by=ministry, notify_schools=True)
    session.refresh_from_db()
    assert session.created_by == ministry
    entry = AuditEntry.objects.get(action="briefing.create")
    assert entry.actor == ministry
    assert entry.target_id == str(session.pk)
    assert entry.after["capacity"] == 40
    assert entry.after["starts_at"] == taipei(20).astimezone(dt.UTC).isoformat()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator-user@example.edu.tw",
        "principal-user@example.edu.tw",
    ]
    assert mailoutbox[0].subject == "[高職優質化] 說明會公告"
    assert "115學年度計畫提報說明會" in mailoutbox[0].body
    # The link goes to registered schools only, not in the announcement.
    assert "meet.example.gov.tw" not in mailoutbox[0].body


def test_briefing_save_without_notify_sends_nothing(
    ministry, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    session = BriefingSession(
        title="說明會",
        starts_at=taipei(20),
        ends_at=taipei(20, 17),
        place=PLACE,
        registration_closes_at=taipei(15),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_save(session=session, by=ministry)
    assert mailoutbox == []


def test_briefing_save_by_a_coordinator_refused(coordinator):
    session = BriefingSession(
        title="說明會",
        starts_at=taipei(20),
        ends_at=taipei(20, 17),
        place=PLACE,
        registration_closes_at=taipei(15),
    )
    with pytest.raises(PlanError):
        services.briefing_save(session=session, by=coordinator)
    assert BriefingSession.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"place": "", "online_url": ""}, "__all__"),
        ({"registration_closes_at": taipei(20, 15)}, "registration_closes_at"),
        (
            {
                "starts_at": taipei(-2),
                "ends_at": taipei(-2, 17),
                "registration_closes_at": taipei(-3),
            },
            "starts_at",
        ),
        ({"ends_at": taipei(20, 13)}, "__all__"),
    ],
    ids=["no-place-or-link", "closes-after-start", "new-in-the-past", "ends-before-start"],
)
def test_briefing_save_bad_input_refused(ministry, changes, field):
    values = {
        "title": "說明會",
        "starts_at": taipei(20),
        "ends_at": taipei(20, 17),
        "place": PLACE,
        "registration_closes_at": taipei(15),
        **changes,
    }
    with pytest.raises(ValidationError) as info:
        services.briefing_save(session=BriefingSession(**values), by=ministry)
    assert list(info.value.update_error_dict({})) == [field]
    assert BriefingSession.objects.count() == 0
    assert AuditEntry.objects.filter(action="briefing.create").count() == 0


def test_briefing_save_capacity_below_registered_refused(
    ministry, school, coordinator, other_school
):
    session = make_session(ministry, capacity=5)
    register(session, school, coordinator)
    register(session, other_school, coordinator_of(other_school, "other-coordinator"))
    session.capacity = 1
    with pytest.raises(ValidationError) as info:
        services.briefing_save(session=session, by=ministry)
    assert list(info.value.message_dict) == ["capacity"]
    session.refresh_from_db()
    assert session.capacity == 5


def test_briefing_save_new_time_emails_registered_schools(
    ministry,
    school,
    coordinator,
    principal,
    other_school,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    session = make_session(ministry)
    register(session, school, coordinator)
    coordinator_of(other_school, "not-registered")
    mailoutbox.clear()
    session.starts_at, session.ends_at = taipei(11, 9), taipei(11, 12)
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_save(session=session, by=ministry)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator-user@example.edu.tw",
        "principal-user@example.edu.tw",
    ]
    assert mailoutbox[0].subject == "[高職優質化] 已報名的說明會有異動"
    entry = AuditEntry.objects.get(action="briefing.update")
    assert entry.before["starts_at"] == taipei(10, 14).astimezone(dt.UTC).isoformat()
    assert entry.after["starts_at"] == taipei(11, 9).astimezone(dt.UTC).isoformat()


def test_briefing_save_title_change_emails_nobody(
    ministry, school, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(ministry)
    register(session, school, coordinator)
    mailoutbox.clear()
    session.title = "115學年度計畫提報說明會（中區場，更正）"
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_save(session=session, by=ministry)
    assert mailoutbox == []
    assert actions(session) == ["briefing.register", "briefing.update"]


def test_briefing_save_unchanged_writes_no_audit_row(ministry):
    session = make_session(ministry)
    services.briefing_save(session=session, by=ministry)
    assert actions(session) == []


def test_briefing_save_cancelled_session_refused(ministry):
    session = make_session(ministry, cancelled_at=timezone.now())
    session.title = "改名"
    with pytest.raises(PlanError):
        services.briefing_save(session=session, by=ministry)


# --- Services: cancelling -------------------------------------------------------------------


def test_briefing_cancel_emails_registered_schools_and_audits_app1(
    ministry,
    school,
    coordinator,
    principal,
    other_school,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    session = make_session(ministry)
    register(session, school, coordinator)
    coordinator_of(other_school, "not-registered")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_cancel(session=session, by=ministry)
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator-user@example.edu.tw",
        "principal-user@example.edu.tw",
    ]
    entry = AuditEntry.objects.get(action="briefing.cancel")
    assert entry.actor == ministry
    assert entry.after["registered_schools"] == 1


def test_briefing_cancel_twice_refused(ministry):
    session = make_session(ministry)
    services.briefing_cancel(session=session, by=ministry)
    with pytest.raises(PlanError):
        services.briefing_cancel(session=session, by=ministry)
    assert actions(session) == ["briefing.cancel"]


def test_briefing_cancel_after_it_ended_refused(ministry):
    session = make_session(ministry, days=-1)
    with pytest.raises(PlanError):
        services.briefing_cancel(session=session, by=ministry)


def test_briefing_cancel_by_a_principal_refused(ministry, principal):
    session = make_session(ministry)
    with pytest.raises(PlanError):
        services.briefing_cancel(session=session, by=principal)
    session.refresh_from_db()
    assert session.cancelled_at is None


# --- Services: registering ---------------------------------------------------------------


def test_briefing_register_confirms_and_audits_app1(
    ministry, school, coordinator, principal, mailoutbox, django_capture_on_commit_callbacks
):
    """APP-1: the school registers; its coordinator and principal get a confirmation."""
    session = make_session(ministry, online_url="https://meet.example.gov.tw/x")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session, school, principal, count=3)
    assert registration.school == school
    assert registration.attendee_count == 3
    assert registration.registered_by == principal
    entry = AuditEntry.objects.get(action="briefing.register")
    assert entry.actor == principal
    assert entry.school == school
    assert entry.after == {
        "registration": registration.pk,
        "attendees": "王大明 教務主任、李小華 實習輔導主任",
        "count": 3,
        "waitlisted": False,
    }
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator-user@example.edu.tw",
        "principal-user@example.edu.tw",
    ]
    assert mailoutbox[0].subject == "[高職優質化] 已完成說明會報名"
    assert school.name in mailoutbox[0].body
    assert "https://meet.example.gov.tw/x" in mailoutbox[0].body


def test_briefing_register_after_closing_refused(ministry, school, coordinator):
    session = make_session(
        ministry, registration_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(PlanError, match="此場次已截止報名"):
        register(session, school, coordinator)
    assert BriefingRegistration.objects.count() == 0


def test_briefing_register_full_session_goes_on_the_waiting_list(
    ministry, school, coordinator, other_school
):
    session = make_session(ministry, capacity=1)
    register(session, other_school, coordinator_of(other_school, "first"))
    registration = register(session, school, coordinator)
    assert registration.waitlisted is True
    assert BriefingRegistration.objects.filter(school=school, waitlisted=True).count() == 1


def test_briefing_register_same_school_twice_refused(ministry, school, coordinator, principal):
    session = make_session(ministry)
    register(session, school, coordinator)
    with pytest.raises(PlanError, match="本校已報名此場次"):
        register(session, school, principal)
    assert BriefingRegistration.objects.filter(school=school).count() == 1


def test_briefing_register_cancelled_session_refused(ministry, school, coordinator):
    session = make_session(ministry, cancelled_at=timezone.now())
    with pytest.raises(PlanError, match="此場次已取消"):
        register(session, school, coordinator)


def test_briefing_register_another_school_refused(ministry, school, other_school, coordinator):
    session = make_session(ministry)
    with pytest.raises(PlanError):
        register(session, other_school, coordinator)
    assert BriefingRegistration.objects.count() == 0


@pytest.mark.parametrize("count", [0, 11])
def test_briefing_register_attendee_count_out_of_range_refused(
    ministry, school, coordinator, count
):
    session = make_session(ministry)
    with pytest.raises(ValidationError):
        register(session, school, coordinator, count=count)
    assert BriefingRegistration.objects.count() == 0


def test_briefing_register_again_after_cancelling(ministry, school, coordinator):
    session = make_session(ministry, capacity=1)
    first = register(session, school, coordinator)
    services.briefing_unregister(registration=first, by=coordinator)
    second = register(session, school, coordinator)
    assert second.pk != first.pk
    assert BriefingRegistration.objects.filter(cancelled_at__isnull=True).count() == 1


# --- Services: cancelling a registration --------------------------------------------------


def test_briefing_unregister_confirms_and_audits(
    ministry, school, coordinator, principal, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(ministry)
    registration = register(session, school, coordinator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_unregister(registration=registration, by=principal)
    registration.refresh_from_db()
    assert registration.cancelled_at is not None
    entry = AuditEntry.objects.get(action="briefing.unregister")
    assert entry.actor == principal
    assert entry.school == school
    assert len(mailoutbox) == 2
    assert mailoutbox[0].subject == "[高職優質化] 已取消說明會報名"


def test_briefing_unregister_after_start_refused(ministry, school, coordinator):
    session = make_session(ministry)
    registration = register(session, school, coordinator)
    BriefingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        registration_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(PlanError):
        services.briefing_unregister(registration=registration, by=coordinator)
    registration.refresh_from_db()
    assert registration.cancelled_at is None


def test_briefing_unregister_by_another_school_refused(ministry, school, other_school, coordinator):
    session = make_session(ministry)
    registration = register(session, school, coordinator)
    with pytest.raises(PlanError):
        services.briefing_unregister(
            registration=registration, by=coordinator_of(other_school, "intruder")
        )


# --- Selectors --------------------------------------------------------------------------------


def test_session_list_upcoming_soonest_first_then_past_latest_first(ministry):
    later = make_session(ministry, days=30, title="later")
    sooner = make_session(ministry, days=5, title="sooner")
    long_ago = make_session(ministry, days=-60, title="long ago")
    recent = make_session(ministry, days=-2, title="recent")
    assert [s.title for s in session_list(ministry)] == [
        sooner.title,
        later.title,
        recent.title,
        long_ago.title,
    ]


def test_briefings_for_school_registered_and_open(ministry, school, coordinator, other_school):
    registered = make_session(ministry, days=20, title="registered")
    full = make_session(ministry, days=6, title="full", capacity=1)
    make_session(ministry, days=5, title="cancelled", cancelled_at=timezone.now())
    make_session(
        ministry, days=7, title="closed", registration_closes_at=timezone.now() - dt.timedelta(1)
    )
    open_one = make_session(ministry, days=8, title="open")
    register(registered, school, coordinator)
    register(full, other_school, coordinator_of(other_school, "other"))
    found = briefings_for_school(school)
    assert found.registered.session == registered
    assert found.open == open_one


# --- Pages: who may do what ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["briefing_list", "briefing_create", "briefing_detail", "briefing_registrations"]
)
def test_briefing_pages_anonymous_redirected_to_login(client, ministry, name):
    session = make_session(ministry)
    url = reverse(
        f"applications:{name}", args=[] if name.endswith(("list", "create")) else [session.pk]
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("role", ["committee_member", "advisor", "inspector", "panel_member"])
def test_briefing_other_roles_read_only(request, client_for, ministry, school, coordinator, role):
    """Committee, advisors, inspectors and panel members read the sessions, nothing more."""
    user = request.getfixturevalue(role)
    session = make_session(ministry, online_url="https://meet.example.gov.tw/secret")
    registration = register(session, school, coordinator)
    client = client_for(user)
    listing = client.get(reverse("applications:briefing_list"))
    assert listing.status_code == 200
    assert listing.context["can_manage"] is False
    assert listing.context["is_school_staff"] is False
    assert reverse("applications:briefing_create") not in listing.content.decode()
    detail = client.get(session.get_absolute_url())
    assert detail.status_code == 200
    assert detail.context["school_rows"] == []
    assert "meet.example.gov.tw/secret" not in detail.content.decode()
    assert school.name not in detail.content.decode()
    for name, method in [
        ("briefing_create", "get"),
        ("briefing_registrations", "get"),
        ("briefing_export", "get"),
        ("briefing_edit", "get"),
        ("briefing_cancel", "post"),
    ]:
        args = [] if name == "briefing_create" else [session.pk]
        response = getattr(client, method)(reverse(f"applications:{name}", args=args))
        assert response.status_code == 403, name
    register_url = reverse("applications:briefing_register", args=[session.pk, school.code])
    assert client.post(register_url, {"attendees": "x", "attendee_count": 1}).status_code == 403
    unregister_url = reverse("applications:briefing_unregister", args=[session.pk, registration.pk])
    assert client.post(unregister_url).status_code == 404
    assert BriefingRegistration.objects.get().cancelled_at is None


@pytest.mark.parametrize("user", ["coordinator", "principal"])
def test_briefing_school_staff_cannot_manage(request, client_for, ministry, user):
    client = client_for(request.getfixturevalue(user))
    session = make_session(ministry)
    assert client.get(reverse("applications:briefing_create")).status_code == 403
    assert client.get(reverse("applications:briefing_edit", args=[session.pk])).status_code == 403
    assert (
        client.get(reverse("applications:briefing_registrations", args=[session.pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("applications:briefing_cancel", args=[session.pk])).status_code == 403
    )
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_briefing_menu_item_for_ministry_and_school_staff(
    client_for, ministry, coordinator, committee_member
):
    url = reverse("applications:briefing_list")
    for user, shown in [(ministry, True), (coordinator, True), (committee_member, False)]:
        response = client_for(user).get(reverse("home"))
        assert any(item.url == url for item in response.context["nav_items"]) is shown


def test_briefing_detail_missing_is_404(client_for, ministry):
    assert (
        client_for(ministry).get(reverse("applications:briefing_detail", args=[999])).status_code
        == 404
    )


# --- Pages: ministry ----------------------------------------------------------------------------


def test_briefing_create_page_reads_taiwan_time_app1(client_for, ministry):
    """APP-1: times are entered in Taiwan time and stored as that instant."""
    phase = Phase.objects.get(start_year=109)
    day = calendar.taipei_today() + dt.timedelta(days=30)
    closes = day - dt.timedelta(days=7)
    response = client_for(ministry).post(
        reverse("applications:briefing_create"),
        {
            "title": "115學年度計畫提報說明會（北區場）",
            "phase": phase.pk,
            "starts_at": f"{calendar.roc_numeric(day)} 09:30",
            "ends_at": f"{calendar.roc_numeric(day)} 12:00",
            "place": "臺北市中正區中山南路5號 教育部",
            "online_url": "",
            "capacity": "60",
            "registration_closes_at": f"{calendar.roc_numeric(closes)} 17:00",
            "description": "請攜帶學校評鑑資料。",
        },
    )
    session = BriefingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    expected = dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=calendar.TAIPEI)
    assert session.starts_at == expected
    assert session.starts_at.astimezone(dt.UTC).hour == 1
    assert session.capacity == 60
    assert session.phase == phase
    assert session.created_by == ministry
    assert actions(session) == ["briefing.create"]


def test_briefing_create_page_closing_after_start_stays_on_form(client_for, ministry):
    day = calendar.taipei_today() + dt.timedelta(days=30)
    response = client_for(ministry).post(
        reverse("applications:briefing_create"),
        {
            "title": "說明會",
            "starts_at": f"{calendar.roc_numeric(day)} 09:30",
            "ends_at": f"{calendar.roc_numeric(day)} 12:00",
            "place": PLACE,
            "registration_closes_at": f"{calendar.roc_numeric(day)} 10:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registration_closes_at"] == [
        "報名截止時間須早於說明會開始時間。"
    ]
    assert BriefingSession.objects.count() == 0


def test_briefing_create_page_zero_capacity_refused(client_for, ministry):
    day = calendar.taipei_today() + dt.timedelta(days=30)
    response = client_for(ministry).post(
        reverse("applications:briefing_create"),
        {
            "title": "說明會",
            "starts_at": f"{calendar.roc_numeric(day)} 09:30",
            "ends_at": f"{calendar.roc_numeric(day)} 12:00",
            "place": PLACE,
            "capacity": "0",
            "registration_closes_at": f"{calendar.roc_numeric(day)} 08:00",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["capacity"]


def test_briefing_edit_page_shows_taiwan_time_and_saves(client_for, ministry):
    session = make_session(ministry)
    client = client_for(ministry)
    url = reverse("applications:briefing_edit", args=[session.pk])
    form = client.get(url).context["form"]
    assert form["starts_at"].value().strftime("%H:%M") == "14:00"
    assert f'value="{calendar.roc_numeric(taipei(10))} 14:00"' in str(form["starts_at"])
    data = {
        "title": "新的名稱",
        "starts_at": f"{calendar.roc_numeric(taipei(10))} 14:00",
        "ends_at": f"{calendar.roc_numeric(taipei(10))} 16:00",
        "place": PLACE,
        "registration_closes_at": f"{calendar.roc_numeric(taipei(7))} 17:00",
    }
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.title == "新的名稱"
    assert actions(session) == ["briefing.update"]


def test_briefing_edit_page_of_cancelled_session_redirects(client_for, ministry):
    session = make_session(ministry, cancelled_at=timezone.now())
    response = client_for(ministry).get(reverse("applications:briefing_edit", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()


def test_briefing_cancel_page(client_for, ministry):
    session = make_session(ministry)
    client = client_for(ministry)
    response = client.post(reverse("applications:briefing_cancel", args=[session.pk]), follow=True)
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert [str(m) for m in response.context["messages"]] == [
        "說明會已取消，並已通知已報名的學校。"
    ]
    again = client.post(reverse("applications:briefing_cancel", args=[session.pk]), follow=True)
    assert [str(m) for m in again.context["messages"]] == ["此場次已經取消。"]


def test_briefing_list_page_counts_and_orders(client_for, ministry, school, coordinator):
    past = make_session(ministry, days=-5, title="past")
    upcoming = make_session(ministry, days=5, title="upcoming", capacity=30)
    make_session(ministry, days=9, title="cancelled", cancelled_at=timezone.now())
    register(upcoming, school, coordinator)
    response = client_for(ministry).get(reverse("applications:briefing_list"))
    rows = [(s.title, s.registered, s.state, s.is_past) for s in response.context["page"]]
    assert rows == [
        ("upcoming", 1, "open", 0),
        ("cancelled", 0, "cancelled", 0),
        ("past", 0, "over", 1),
    ]
    html = response.content.decode()
    assert "1 / 30" in html
    assert (
        html.index("即將舉行")
        < html.index("upcoming")
        < html.index("已舉行")
        < html.index(past.title)
    )


def test_briefing_list_page_cancelled_session_not_shown_as_registered(
    client_for, ministry, school, coordinator
):
    session = make_session(ministry)
    register(session, school, coordinator)
    services.briefing_cancel(session=session, by=ministry)
    response = client_for(coordinator).get(reverse("applications:briefing_list"))
    assert [s.state for s in response.context["page"]] == ["cancelled"]
    html = response.content.decode()
    assert "已取消" in html
    assert "bi-check-lg" not in html
    detail = client_for(coordinator).get(session.get_absolute_url()).content.decode()
    assert "報名已失效" in detail
    assert "取消報名" not in detail


def test_briefing_registrations_page_lists_schools(
    client_for, ministry, school, coordinator, other_school
):
    session = make_session(ministry)
    register(session, school, coordinator, count=2)
    withdrawn = register(session, other_school, coordinator_of(other_school, "other"), count=4)
    services.briefing_unregister(registration=withdrawn, by=withdrawn.registered_by)
    response = client_for(ministry).get(
        reverse("applications:briefing_registrations", args=[session.pk])
    )
    assert response.status_code == 200
    assert [r.school for r in response.context["active"]] == [school]
    assert [r.school for r in response.context["withdrawn"]] == [other_school]
    assert response.context["attendee_total"] == 2
    html = response.content.decode()
    assert school.district.name in html
    assert coordinator.display_name in html


def test_briefing_export_is_a_sign_in_sheet(client_for, ministry, school, coordinator, principal):
    from openpyxl import load_workbook

    session = make_session(ministry)
    registration = register(session, school, principal, count=2)
    response = client_for(ministry).get(reverse("applications:briefing_export", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == session.title
    roc_day = f"{taipei(10).year - 1911}年{taipei(10).month}月{taipei(10).day}日"
    assert rows[1][0] == f"時間：{roc_day} 14:00 – {roc_day} 16:00"
    assert rows[4] == [
        "序號",
        "學校代碼",
        "學校",
        "縣市",
        "免試就學區",
        "出席人員",
        "出席人數",
        "報名者",
        "報名時間",
        "簽名",
    ]
    registered_at = roc_datetime(registration.registered_at)
    assert rows[5] == [
        1,
        school.code,
        school.name,
        school.county.name,
        school.district.name,
        "王大明 教務主任、李小華 實習輔導主任",
        2,
        principal.display_name,
        registered_at,
        None,
    ]
    assert rows[6][6] == 2


# --- Pages: schools -----------------------------------------------------------------------------


def test_briefing_register_page_registers_the_school_app1(
    client_for, ministry, school, coordinator
):
    session = make_session(ministry)
    client = client_for(coordinator)
    url = reverse("applications:briefing_register", args=[session.pk, school.code])
    assert client.get(url).context["form"].initial["attendee_count"] == 1
    response = client.post(url, {"attendees": "陳主任", "attendee_count": "1"}, follow=True)
    registration = BriefingRegistration.objects.get()
    assert registration.school == school
    assert registration.registered_by == coordinator
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert response.context["school_rows"] == [(school, registration)]
    assert response.context["show_link"] is True


def test_briefing_register_page_closed_refused(client_for, ministry, school, coordinator):
    session = make_session(
        ministry, registration_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    url = reverse("applications:briefing_register", args=[session.pk, school.code])
    response = client_for(coordinator).post(
        url, {"attendees": "陳主任", "attendee_count": "1"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["此場次已截止報名。"]
    assert BriefingRegistration.objects.count() == 0


def test_briefing_register_page_too_many_attendees_stays_on_form(
    client_for, ministry, school, coordinator
):
    session = make_session(ministry)
    url = reverse("applications:briefing_register", args=[session.pk, school.code])
    response = client_for(coordinator).post(url, {"attendees": "陳主任", "attendee_count": "11"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["attendee_count"]
    assert BriefingRegistration.objects.count() == 0


def test_briefing_register_page_for_another_school_is_403(
    client_for, ministry, coordinator, other_school
):
    session = make_session(ministry)
    url = reverse("applications:briefing_register", args=[session.pk, other_school.code])
    response = client_for(coordinator).post(url, {"attendees": "陳主任", "attendee_count": "1"})
    assert response.status_code == 403
    assert BriefingRegistration.objects.count() == 0


def test_briefing_register_page_ministry_is_403(client_for, ministry, school):
    session = make_session(ministry)
    url = reverse("applications:briefing_register", args=[session.pk, school.code])
    assert client_for(ministry).get(url).status_code == 403


def test_briefing_unregister_another_schools_registration_is_404(
    client_for, ministry, school, coordinator, other_school
):
    session = make_session(ministry)
    theirs = register(session, other_school, coordinator_of(other_school, "other"))
    url = reverse("applications:briefing_unregister", args=[session.pk, theirs.pk])
    assert client_for(coordinator).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_briefing_unregister_page_cancels_own_registration(
    client_for, ministry, school, coordinator
):
    session = make_session(ministry)
    mine = register(session, school, coordinator)
    url = reverse("applications:briefing_unregister", args=[session.pk, mine.pk])
    response = client_for(coordinator).post(url)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.cancelled_at is not None
    assert actions(session) == ["briefing.register", "briefing.unregister"]


def test_briefing_unregister_page_needs_post(client_for, ministry, school, coordinator):
    session = make_session(ministry)
    mine = register(session, school, coordinator)
    url = reverse("applications:briefing_unregister", args=[session.pk, mine.pk])
    assert client_for(coordinator).get(url).status_code == 405


def test_briefing_detail_hides_link_until_registered(client_for, ministry, school, coordinator):
    session = make_session(ministry, online_url="https://meet.example.gov.tw/room")
    client = client_for(coordinator)
    assert "meet.example.gov.tw/room" not in client.get(session.get_absolute_url()).content.decode()
    register(session, school, coordinator)
    assert "meet.example.gov.tw/room" in client.get(session.get_absolute_url()).content.decode()


def test_home_shows_the_briefing_to_register_for(client_for, ministry, school, coordinator):
    session = make_session(ministry, title="可報名的說明會")
    response = client_for(coordinator).get(reverse("home"))
    html = response.content.decode()
    assert "可報名的說明會" in html
    assert session.get_absolute_url() in html
    assert "開放報名" in html


def test_home_shows_the_briefing_registered_for(client_for, ministry, school, principal):
    session = make_session(ministry, title="已報名的說明會")
    register(session, school, principal)
    section = next(
        s
        for s in client_for(principal).get(reverse("home")).context["sections"]
        if s.role == "principal"
    )
    assert section.context["briefings"].registered.session == session
    assert section.context["briefings"].open is None


# --- Query counts -------------------------------------------------------------------------------


def _many_sessions(ministry, size):
    schools = [SchoolFactory() for _ in range(size)]
    registrars = [coordinator_of(s, f"reg-{s.code}") for s in schools]
    for n in range(size):
        session = make_session(ministry, days=n + 3, title=f"場次{n}")
        for school, registrar in zip(schools, registrars, strict=True):
            register(session, school, registrar)
    return schools


def _count_queries(client, url):
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["ministry", "coordinator"])
def test_briefing_list_query_count_does_not_grow(request, client, ministry, school, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("applications:briefing_list")
    counts = []
    for size in (1, 3):
        BriefingRegistration.objects.all().delete()
        BriefingSession.objects.all().delete()
        _many_sessions(ministry, size)
        for session in BriefingSession.objects.all():
            if role == "coordinator":
                register(session, school, user)
        counts.append(_count_queries(client, url))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("size", [1, 3])
def test_briefing_list_query_count_exact(client_for, ministry, django_assert_num_queries, size):
    _many_sessions(ministry, size)
    client = client_for(ministry)
    client.get(reverse("applications:briefing_list"))
    with django_assert_num_queries(5):
        client.get(reverse("applications:briefing_list"))


@pytest.mark.parametrize("size", [1, 3])
def test_briefing_registrations_query_count_exact(
    client_for, ministry, django_assert_num_queries, size
):
    _many_sessions(ministry, size)
    session = BriefingSession.objects.first()
    url = reverse("applications:briefing_registrations", args=[session.pk])
    client = client_for(ministry)
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
