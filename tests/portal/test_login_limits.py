"""Log-in and reset abuse: failures limited per account and address together and per
address alone; the client's address from a trusted proxy only; a locked account unlocked by
a reset; reset requests throttled per account and address with one answer for all."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import RequestFactory

from portal.accounts.models import PasswordResetRequest, User
from portal.accounts.throttle import client_ip
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
SENT = "/accounts/password/reset/sent/"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, username, password=TEST_PASSWORD, address="203.0.113.7", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _user(username, email=None):
    return UserFactory(username=username, email=email or f"{username}@example.edu.tw")


# --- The client's address ------------------------------------------------------------------


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_client_ip_ignores_forwarded_for_without_a_trusted_proxy(settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_client_ip_from_a_trusted_proxy(settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_ip(_request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"


def test_client_ip_a_forged_header_is_not_believed(settings):
    """The client writes '1.2.3.4' itself; the proxy appends the real address: the real
    one (the nearest untrusted hop, from the right) is taken."""
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = _request("10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.0.9")
    assert client_ip(request) == "198.51.100.1"


def test_client_ip_from_an_untrusted_peer_ignores_the_header(settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_ip(_request("198.51.100.9", "10.0.0.5")) == "198.51.100.9"


def test_client_ip_garbage_in_the_header(settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_ip(_request("10.0.0.5", "not-an-address")) == "10.0.0.5"


def test_trusted_proxies_setting_reads_the_environment():
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "portal.accounts.throttle.client_ip"
    assert settings.PORTAL_TRUSTED_PROXIES == []


def test_login_failures_counted_by_the_proxy_reported_address(client, settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.5"]
    _user("someone")
    _login(client, "someone", "wrong", address="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"]


# --- Per account and address ------------------------------------------------------------------


def test_account_locked_from_one_address_only(client):
    """Five wrong passwords for an account from one address lock that pair — the same
    account from the person's own address still logs in (nobody can lock them out)."""
    user = _user("teacher")
    statuses = [_login(client, "teacher", "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _login(client, "teacher").status_code == 429
    response = _login(client, "teacher", address="192.0.2.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_success_clears_only_that_accounts_failures_from_the_address(client):
    """A good log-in does not wipe the failures other accounts had from the address."""
    _user("alpha")
    _user("beta")
    for _ in range(3):
        _login(client, "alpha", "wrong")
    _login(client, "beta", "wrong")
    assert _login(client, "beta").status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["alpha"]


# --- Per address alone ------------------------------------------------------------------------


def test_guessing_across_accounts_from_one_address_is_stopped(client, settings):
    """Four failures each on many accounts never trips the per-account limit; the address's
    total (PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT, 30) does — for every account from there."""
    assert (settings.AXES_FAILURE_LIMIT, settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 30)
    for n in range(8):
        _user(f"target{n}")
    statuses = [
        _login(client, f"target{n}", "wrong").status_code for n in range(8) for _ in range(4)
    ][:30]
    assert statuses[:29] == [200] * 29
    assert statuses[29] == 429
    # From there, even a right password for a fresh account waits for the cool-off…
    _user("innocent")
    assert _login(client, "innocent").status_code == 429
    # …while the same accounts from another address are not affected.
    assert _login(client, "innocent", address="192.0.2.20").status_code == 302


# --- A reset unlocks ---------------------------------------------------------------------------


def _reset_link(message):
    [path] = re.findall(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", message.body)
    return path


def test_locked_account_unlocked_by_a_password_reset(client):
    user = _user("locked-out", "locked-out@example.edu.tw")
    for _ in range(5):
        _login(client, "locked-out", "wrong")
    assert _login(client, "locked-out").status_code == 429
    assert client.post(RESET, {"email": "locked-out@example.edu.tw"})["Location"] == SENT
    (message,) = mail.outbox
    form_url = client.get(_reset_link(message))["Location"]
    response = client.post(
        form_url, {"new_password1": "A-new-pass-2026", "new_password2": "A-new-pass-2026"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="locked-out").exists()
    response = _login(client, "locked-out", "A-new-pass-2026")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_locked_out_page_offers_the_reset(client):
    _user("paused")
    for _ in range(5):
        response = _login(client, "paused", "wrong")
    assert response.status_code == 429
    assert RESET in response.content.decode()


# --- Reset throttle ----------------------------------------------------------------------------


def _reset(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_reset_throttled_per_account_same_answer(client):
    """Three requests an hour for an address are sent; the fourth gets the same answer
    and sends nothing."""
    _user("forgetful", "forgetful@example.edu.tw")
    responses = [_reset(client, "forgetful@example.edu.tw", f"198.51.100.{n}") for n in range(4)]
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, SENT)] * 4
    assert len(mail.outbox) == 3


def test_reset_throttled_per_address_across_accounts(client):
    for n in range(11):
        _user(f"staff{n}", f"staff{n}@example.edu.tw")
    responses = [_reset(client, f"staff{n}@example.edu.tw") for n in range(11)]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, SENT)}
    assert len(mail.outbox) == 10
    # Another address is not affected.
    _reset(client, "staff10@example.edu.tw", address="192.0.2.20")
    assert len(mail.outbox) == 11


def _without_tokens(response):
    """The page, less its per-request CSRF token."""
    return re.sub(r'"(X-CSRFToken": ")?[A-Za-z0-9]{64}"', '"token"', response.content.decode())


def test_reset_same_answer_whether_or_not_the_account_exists(client):
    _user("exists", "exists@example.edu.tw")
    known = _reset(client, "exists@example.edu.tw")
    unknown = _reset(client, "nobody-here@example.edu.tw")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert _without_tokens(client.get(known["Location"])) == _without_tokens(
        client.get(unknown["Location"])
    )
    assert [m.to for m in mail.outbox] == [["exists@example.edu.tw"]]


def test_reset_throttle_counts_unknown_addresses_too(client):
    """The throttle does not tell either: an unknown address is counted like a known one."""
    for _ in range(4):
        _reset(client, "nobody-here@example.edu.tw")
    assert PasswordResetRequest.objects.count() == 4
    assert mail.outbox == []


def test_reset_requests_older_than_the_window_are_forgotten(client, fixed_clock):
    _user("later", "later@example.edu.tw")
    for _ in range(3):
        _reset(client, "later@example.edu.tw")
    fixed_clock.shift(3601)
    _reset(client, "later@example.edu.tw")
    assert len(mail.outbox) == 4
    assert PasswordResetRequest.objects.count() == 1


def test_reset_keeps_no_address_in_clear(client):
    _reset(client, "private@example.edu.tw")
    (row,) = PasswordResetRequest.objects.all()
    assert "private" not in row.email_digest
    assert User.objects.filter(email="private@example.edu.tw").count() == 0


def test_reset_mail_is_queued_not_sent_in_the_request(client, monkeypatch):
    """The link goes through the mail task (a worker sends it): answering takes as long
    whether or not an account has the address."""
    from portal import tasks

    queued = []
    monkeypatch.setattr(tasks.send_email, "delay", lambda *args: queued.append(args))
    _user("queued", "queued@example.edu.tw")
    _reset(client, "queued@example.edu.tw")
    _reset(client, "nobody-at-all@example.edu.tw")
    [(recipient, subject, body)] = queued
    assert recipient == "queued@example.edu.tw"
    assert "\n" not in subject
    assert re.search(r"/accounts/password/reset/\S+/\S+/", body)
    assert mail.outbox == []
