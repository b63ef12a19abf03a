"""Log-in, lock-out, sessions, and the pages where ministry staff manage accounts."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import RoleGrant, User
from portal.audit.models import AuditEntry
from tests.factories import TEST_PASSWORD, SchoolFactory, UserFactory, grant
from tests.portal.test_settings import _settings_in_a_fresh_process

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, username, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Log-in ------------------------------------------------------------------------


def test_login_through_the_form_lands_on_home(client, coordinator):
    response = _login(client, "coordinator-user")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(client) == str(coordinator.pk)
    home = client.get("/")
    assert home.status_code == 200
    assert home.context["user"] == coordinator


def test_login_follows_next(client, ministry):
    response = client.post(
        f"{LOGIN}?next=/schools/", {"username": "ministry-user", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/schools/"


def test_login_wrong_password_refused(client, coordinator):
    response = _login(client, "coordinator-user", "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].is_valid() is False
    assert len(response.context["form"].non_field_errors()) == 1
    assert _logged_in_user_id(client) is None


def test_login_inactive_account_refused(client):
    UserFactory(username="left-the-school", is_active=False)
    response = _login(client, "left-the-school")
    assert response.status_code == 200
    assert _logged_in_user_id(client) is None


def test_login_locked_out_after_failure_limit(client, coordinator):
    """After AXES_FAILURE_LIMIT (5) wrong passwords, even the right one is refused (429)."""
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [_login(client, "coordinator-user", "wrong").status_code for _ in range(5)]
    # The fifth failure reaches the limit and is answered with the cool-off page.
    assert statuses == [200, 200, 200, 200, 429]
    response = _login(client, "coordinator-user")
    assert response.status_code == 429
    assert response.context["cooloff_minutes"] == 15
    assert _logged_in_user_id(client) is None


def test_login_four_failures_then_right_password_allowed(client, coordinator):
    """One under the limit: the right password still works."""
    for _ in range(4):
        _login(client, "coordinator-user", "wrong")
    response = _login(client, "coordinator-user")
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(coordinator.pk)


def test_login_lockout_is_per_user_name_and_address(client, coordinator, principal):
    for _ in range(5):
        _login(client, "coordinator-user", "wrong")
    # Another person from the same address, and the same person from another address.
    assert _login(client, "principal-user").status_code == 302
    client.logout()
    assert _login(client, "coordinator-user", REMOTE_ADDR="10.1.2.3").status_code == 302


def test_login_page_redirects_a_logged_in_user_home(client_for, coordinator):
    response = client_for(coordinator).get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_anonymous_redirected_to_login_with_next(client):
    response = client.get("/schools/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/schools/"


def test_anonymous_redirect_keeps_the_query_string(client):
    response = client.get("/audit/?action=grant.add")
    assert response["Location"] == "/accounts/login/?next=/audit/%3Faction%3Dgrant.add"


def test_logout_ends_the_session(client, coordinator):
    _login(client, "coordinator-user")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert _logged_in_user_id(client) is None


# --- Sessions -------------------------------------------------------------------------


def test_session_settings_sliding_two_hours():
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 5 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_renewed_when_last_refreshed_five_minutes_ago(client, coordinator, fixed_clock):
    """Sliding expiry: a page view after the refresh interval sends the session cookie again
    with a new two-hour expiry."""
    _login(client, "coordinator-user")
    assert client.session.get_expiry_age() == 7200
    fixed_clock.shift(dt.timedelta(minutes=5))
    response = client.get("/")
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == client.session.session_key


def test_session_not_written_on_every_request(client, coordinator, fixed_clock):
    """Within the refresh interval a page view writes nothing to the session store."""
    from django.contrib.sessions.models import Session

    _login(client, "coordinator-user")
    client.get("/")
    saved = Session.objects.get(session_key=client.session.session_key).expire_date
    fixed_clock.shift(dt.timedelta(minutes=2))
    response = client.get("/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=client.session.session_key).expire_date == saved


def test_session_of_a_deactivated_account_ends(client, client_for, coordinator, ministry):
    _login(client, "coordinator-user")
    assert client.get("/").status_code == 200
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_password_reset_form_reaches_an_account_without_a_password(client, ministry):
    """New accounts set their first password through the public reset form too."""
    user = UserFactory(username="newcomer", email="newcomer@example.edu.tw")
    user.set_unusable_password()
    user.save()
    response = client.post("/accounts/password/reset/", {"email": "newcomer@example.edu.tw"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert [m.to for m in mail.outbox] == [["newcomer@example.edu.tw"]]


def test_password_reset_form_unknown_address_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.edu.tw"})
    assert response.status_code == 302
    assert mail.outbox == []


# --- Managing accounts (ministry staff) ---------------------------------------------------


def test_user_create_makes_an_account_without_password(client_for, ministry):
    client = client_for(ministry)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "newcomer",
            "name": "新同仁",
            "email": "newcomer@example.edu.tw",
            "title": "組長",
            "phone": "",
            "is_active": "on",
        },
    )
    user = User.objects.get(username="newcomer")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.has_usable_password() is False
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["user.create"]


def test_user_create_requires_name_and_email(client_for, ministry):
    response = client_for(ministry).post(
        reverse("accounts:user_create"), {"username": "newcomer", "is_active": "on"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email"}
    assert User.objects.filter(username="newcomer").exists() is False


def test_user_edit_saves_and_audits(client_for, ministry, coordinator):
    response = client_for(ministry).post(
        reverse("accounts:user_edit", args=[coordinator.pk]),
        {
            "username": "coordinator-user",
            "name": "陳組長",
            "email": coordinator.email,
            "title": "實習處組長",
            "phone": "04-2261-3158",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert (coordinator.name, coordinator.title) == ("陳組長", "實習處組長")
    assert list(
        AuditEntry.objects.filter(action__startswith="user.").values_list("action", flat=True)
    ) == ["user.update"]


def test_user_detail_grants_a_role(client_for, ministry, school):
    person = UserFactory(username="teacher")
    response = client_for(ministry).post(
        reverse("accounts:user_detail", args=[person.pk]),
        {"role": "coordinator", "school": school.pk},
    )
    assert response.status_code == 302
    assert list(RoleGrant.objects.filter(user=person).values_list("role", "school")) == [
        ("coordinator", school.pk)
    ]
    assert RoleGrant.objects.get(user=person).granted_by == ministry


def test_user_detail_second_principal_refused(client_for, ministry, principal, school):
    person = UserFactory(username="teacher")
    response = client_for(ministry).post(
        reverse("accounts:user_detail", args=[person.pk]),
        {"role": "principal", "school": school.pk},
    )
    assert response.status_code == 200
    assert len(response.context["form"].errors["school"]) == 1
    assert RoleGrant.objects.filter(user=person).count() == 0


def test_user_detail_inspector_without_county_refused(client_for, ministry):
    person = UserFactory(username="teacher")
    response = client_for(ministry).post(
        reverse("accounts:user_detail", args=[person.pk]), {"role": "inspector"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["county"]
    assert RoleGrant.objects.filter(user=person).count() == 0


def test_grant_revoke_view_revokes(client_for, ministry, coordinator):
    granted = RoleGrant.objects.get(user=coordinator)
    response = client_for(ministry).post(
        reverse("accounts:grant_revoke", args=[coordinator.pk, granted.pk])
    )
    assert response.status_code == 302
    granted.refresh_from_db()
    assert granted.revoked_by == ministry


def test_grant_revoke_view_refuses_a_grant_of_another_user(client_for, ministry, coordinator):
    granted = RoleGrant.objects.get(user=coordinator)
    response = client_for(ministry).post(
        reverse("accounts:grant_revoke", args=[ministry.pk, granted.pk])
    )
    assert response.status_code == 404
    granted.refresh_from_db()
    assert granted.revoked_at is None


def test_grant_revoke_view_refuses_get(client_for, ministry, coordinator):
    granted = RoleGrant.objects.get(user=coordinator)
    response = client_for(ministry).get(
        reverse("accounts:grant_revoke", args=[coordinator.pk, granted.pk])
    )
    assert response.status_code == 405


def test_user_send_reset_view_sends_one_mail(client_for, ministry, coordinator):
    response = client_for(ministry).post(reverse("accounts:user_send_reset", args=[coordinator.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_user_list_filters_by_role_and_school(client_for, ministry, coordinator, principal, school):
    client = client_for(ministry)
    by_role = client.get(reverse("accounts:user_list"), {"role": "coordinator"})
    assert [u.username for u in by_role.context["page"]] == ["coordinator-user"]
    by_school = client.get(reverse("accounts:user_list"), {"school": school.pk})
    assert [u.username for u in by_school.context["page"]] == ["coordinator-user", "principal-user"]
    by_text = client.get(reverse("accounts:user_list"), {"q": "principal"})
    assert [u.username for u in by_text.context["page"]] == ["principal-user"]


def test_user_list_role_filter_ignores_revoked_grants(client_for, ministry, coordinator):
    RoleGrant.objects.filter(user=coordinator).update(revoked_at="2025-01-01T00:00:00Z")
    response = client_for(ministry).get(reverse("accounts:user_list"), {"role": "coordinator"})
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("size", [1, 8])
def test_user_list_query_count_does_not_grow(client_for, ministry, django_assert_num_queries, size):
    """Ten queries whatever the number of accounts and their grants."""
    for n in range(size):
        person = UserFactory(username=f"person{n:02d}")
        grant(person, "coordinator", school=SchoolFactory())
        grant(person, "advisor", affiliation="國立彰化師範大學")
    client = client_for(ministry)
    with django_assert_num_queries(10):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size + 1


def test_sessions_read_through_the_cache_when_redis_is_configured():
    """With REDIS_URL the session store is cached_db (a page reads the session from Redis and
    each save writes through to the database); without it, the database alone (a per-process
    cache could not see a sign-out made in another process)."""
    with_redis = _settings_in_a_fresh_process(
        "settings.SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    without = _settings_in_a_fresh_process("settings.SESSION_ENGINE", REDIS_URL="")
    assert with_redis == "django.contrib.sessions.backends.cached_db"
    assert without == "django.contrib.sessions.backends.db"


def test_a_cached_session_page_view_reads_no_session_row(client, coordinator, settings):
    """cached_db: once signed in, a page view finds the session in the cache, and signing out
    removes it from both the cache and the database."""
    from django.contrib.sessions.models import Session

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    _login(client, "coordinator-user")
    client.get("/")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()  # written through
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
