"""Accounts services: users and role grants, their scope rules, the audit trail, and the
set-password e-mail."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils.translation import override

from portal.accounts.models import RoleGrant, User
from portal.accounts.services import (
    grant_add,
    grant_revoke,
    user_save,
    user_send_password_reset,
)
from portal.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def _grant(user, role, **scope):
    return grant_add(grant=RoleGrant(user=user, role=role, **scope), by=None)


# --- Users ---------------------------------------------------------------------


def test_user_save_new_has_no_usable_password_and_is_audited(ministry):
    user = user_save(
        user=User(username="newcomer", name="新同仁", email="newcomer@example.edu.tw"),
        by=ministry,
        is_new=True,
    )
    assert user.has_usable_password() is False
    [entry] = _entries("user.create")
    assert entry.actor == ministry
    assert entry.target_type == ContentType.objects.get_for_model(User)
    assert entry.target_id == str(user.pk)
    assert entry.before is None
    assert entry.after == {
        "username": "newcomer",
        "name": "新同仁",
        "email": "newcomer@example.edu.tw",
        "title": "",
        "phone": "",
        "is_active": True,
    }


def test_user_save_update_records_before_and_after(ministry):
    user = UserFactory(username="teacher", name="王老師", email="t@example.edu.tw")
    user.title = "教務主任"
    user_save(user=user, by=ministry, is_new=False)
    [entry] = _entries("user.update")
    assert entry.changes == [("title", "", "教務主任")]
    assert entry.actor == ministry


def test_user_save_without_changes_writes_no_audit_row(ministry):
    user = UserFactory(username="teacher")
    user_save(user=user, by=ministry, is_new=False)
    assert _entries("user.update") == []


# --- Grants: scope ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "field", "message"),
    [
        ("coordinator", "school", "Choose the school for this role."),
        ("principal", "school", "Choose the school for this role."),
        ("inspector", "county", "Choose the county or city for an inspector."),
        ("committee", "committee_category", "Choose the committee member's category."),
    ],
)
def test_grant_add_without_scope_refused(role, field, message):
    """A school role needs a school, an inspector a county, a committee member a category
    (SEL-3); nothing is written."""
    user = UserFactory()
    with override("en"), pytest.raises(ValidationError) as excinfo:
        _grant(user, role)
    assert excinfo.value.message_dict == {field: [message]}
    assert RoleGrant.objects.filter(user=user).count() == 0
    assert AuditEntry.objects.count() == 0


def test_grant_add_school_role_with_school(ministry, school):
    user = UserFactory()
    granted = grant_add(grant=RoleGrant(user=user, role="coordinator", school=school), by=ministry)
    granted.refresh_from_db()
    assert (granted.school, granted.county, granted.committee_category) == (school, None, "")
    assert granted.granted_by == ministry
    assert granted.revoked_at is None


def test_grant_add_inspector_with_county(school):
    user = UserFactory()
    granted = _grant(user, "inspector", county=school.county)
    granted.refresh_from_db()
    assert (granted.school, granted.county) == (None, school.county)


def test_grant_add_committee_with_category():
    """SEL-3: a committee member has a category."""
    user = UserFactory()
    granted = _grant(user, "committee", committee_category="industry", affiliation="台積電")
    granted.refresh_from_db()
    assert (granted.committee_category, granted.affiliation) == ("industry", "台積電")


def test_grant_add_drops_scope_that_does_not_fit_the_role(school):
    """An advisor given a school, a county and a category keeps none of them."""
    user = UserFactory()
    granted = _grant(
        user, "advisor", school=school, county=school.county, committee_category="expert"
    )
    granted.refresh_from_db()
    assert (granted.school, granted.county, granted.committee_category) == (None, None, "")


def test_grant_add_same_role_twice_refused(school):
    user = UserFactory()
    _grant(user, "coordinator", school=school)
    with override("en"), pytest.raises(ValidationError) as excinfo:
        _grant(user, "coordinator", school=school)
    assert excinfo.value.messages == ["This user already has this role with this scope."]
    assert RoleGrant.objects.filter(user=user).count() == 1
    assert len(_entries("grant.add")) == 1


def test_grant_add_second_principal_of_a_school_refused(ministry, school, principal):
    """One principal per school: the refusal names the school and the current principal."""
    newcomer = UserFactory(username="new-principal")
    with override("en"), pytest.raises(ValidationError) as excinfo:
        grant_add(grant=RoleGrant(user=newcomer, role="principal", school=school), by=ministry)
    assert excinfo.value.message_dict == {
        "school": [
            f"{school.name} already has a principal ({principal.display_name}): "
            "revoke that grant first."
        ]
    }
    assert RoleGrant.objects.filter(user=newcomer).count() == 0


def test_grant_add_principal_after_revoking_the_previous_one(ministry, school, principal):
    grant_revoke(grant=RoleGrant.objects.get(user=principal, role="principal"), by=ministry)
    newcomer = UserFactory(username="new-principal")
    granted = grant_add(
        grant=RoleGrant(user=newcomer, role="principal", school=school), by=ministry
    )
    assert list(
        RoleGrant.objects.filter(school=school, role="principal", revoked_at__isnull=True)
    ) == [granted]


def test_grant_add_principal_of_two_schools_allowed(school, other_school):
    """The one-principal rule is per school, not per person."""
    user = UserFactory()
    _grant(user, "principal", school=school)
    _grant(user, "principal", school=other_school)
    assert User.objects.get(pk=user.pk).school_ids("principal") == {school.pk, other_school.pk}


def test_grant_add_principal_also_committee_member(ministry, school, principal):
    """SEL-3: a principal may sit on the review committee: two grants on one user."""
    grant_add(
        grant=RoleGrant(
            user=principal,
            role="committee",
            committee_category="principal",
            affiliation=school.name,
            affiliated_school=school,
        ),
        by=ministry,
    )
    user = User.objects.get(pk=principal.pk)
    assert user.roles == ["committee", "principal"]
    assert user.has_perm("schools.view_school", school) is True
    assert user.has_perm("schools.request_profile_pdf", school) is True
    assert user.has_role("committee") is True
    assert [g.affiliated_school for g in user.grants_of("committee")] == [school]


def test_grant_add_is_audited(ministry, school):
    user = UserFactory()
    granted = grant_add(grant=RoleGrant(user=user, role="coordinator", school=school), by=ministry)
    [entry] = _entries("grant.add")
    assert (entry.actor, entry.school, entry.target_id) == (ministry, school, str(user.pk))
    assert entry.target_type == ContentType.objects.get_for_model(User)
    assert entry.before is None
    assert entry.after == {
        "user": user.pk,
        "role": "coordinator",
        "school": school.pk,
        "county": None,
        "committee_category": "",
        "affiliation": "",
        "affiliated_school": None,
    }
    assert granted.pk is not None


# --- Grants: revoking -------------------------------------------------------------


def test_grant_revoke_keeps_the_row_and_sets_revoked_at(ministry, coordinator, school):
    granted = RoleGrant.objects.get(user=coordinator)
    revoked = grant_revoke(grant=granted, by=ministry)
    row = RoleGrant.objects.get(pk=granted.pk)
    assert row.revoked_at is not None
    assert row.revoked_at == revoked.revoked_at
    assert row.revoked_by == ministry
    assert row.is_active is False
    assert RoleGrant.objects.filter(user=coordinator).count() == 1


def test_grant_revoke_is_audited_once(ministry, coordinator, school):
    granted = RoleGrant.objects.get(user=coordinator)
    first = grant_revoke(grant=granted, by=ministry)
    again = grant_revoke(grant=granted, by=ministry)
    assert again.revoked_at == first.revoked_at
    [entry] = _entries("grant.revoke")
    assert (entry.actor, entry.school, entry.target_id) == (ministry, school, str(coordinator.pk))
    assert entry.before["role"] == "coordinator"
    assert entry.before["school"] == school.pk
    assert entry.after is None


# --- Set-password e-mail ---------------------------------------------------------------


def _link(message):
    [url] = re.findall(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body)
    return url


def test_user_send_password_reset_mails_a_working_link(client, ministry):
    """A new account (no usable password) gets one e-mail whose link sets its password."""
    user = user_save(
        user=User(username="newcomer", name="新同仁", email="newcomer@example.edu.tw"),
        by=ministry,
        is_new=True,
    )
    assert user_send_password_reset(user=user, by=ministry) is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.edu.tw"]
    url = _link(message)
    assert url.startswith("http://127.0.0.1:8000/accounts/password/reset/")

    path = url.split("127.0.0.1:8000", 1)[1]
    response = client.get(path)
    assert response.status_code == 302
    set_password_url = response["Location"]
    assert set_password_url.endswith("/set-password/")
    response = client.post(
        set_password_url,
        {"new_password1": "Ch4nge-me-please", "new_password2": "Ch4nge-me-please"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert User.objects.get(pk=user.pk).check_password("Ch4nge-me-please") is True

    [entry] = _entries("user.password_reset_sent")
    assert (entry.actor, entry.target_id) == (ministry, str(user.pk))


def test_user_send_password_reset_link_works_only_once(client, ministry):
    user = UserFactory(username="teacher", email="teacher@example.edu.tw")
    user_send_password_reset(user=user, by=ministry)
    path = _link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    set_password_url = client.get(path)["Location"]
    client.post(
        set_password_url, {"new_password1": "Ch4nge-me-please", "new_password2": "Ch4nge-me-please"}
    )
    client.cookies.clear()
    response = client.get(path)
    # An invalid link shows the page with its "invalid link" state, not the form.
    assert response.status_code == 200
    assert response.context["validlink"] is False


@pytest.mark.parametrize(
    ("email", "is_active"),
    [("", True), ("gone@example.edu.tw", False)],
    ids=["no-email", "inactive"],
)
def test_user_send_password_reset_refused_without_email_or_inactive(ministry, email, is_active):
    user = UserFactory(email=email, is_active=is_active)
    assert user_send_password_reset(user=user, by=ministry) is False
    assert mail.outbox == []
    assert _entries("user.password_reset_sent") == []
