"""Who may see or do what: the base predicates (portal/rules.py) and every permission the
core apps add (portal/*/rules.py), for every role, in and out of their scope."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from portal import rules as base
from portal.accounts.models import RoleGrant
from portal.accounts.services import grant_revoke
from portal.documents.models import GeneratedDocument
from portal.schools.models import SchoolEvaluation
from tests.portal.conftest import ROLES

pytestmark = pytest.mark.django_db

ROLE_PREDICATES = {
    "ministry": base.is_ministry,
    "coordinator": base.is_coordinator,
    "principal": base.is_principal,
    "committee": base.is_committee_member,
    "advisor": base.is_advisor,
    "inspector": base.is_inspector,
    "panel": base.is_panel_member,
}

# Which roles each object predicate allows on their own school (``school``; the
# inspector's county is that school's county).
SCHOOL_PREDICATES = {
    "is_staff_of_school": (base.is_staff_of_school, {"coordinator", "principal"}),
    "is_coordinator_of_school": (base.is_coordinator_of_school, {"coordinator"}),
    "is_principal_of_school": (base.is_principal_of_school, {"principal"}),
    "is_inspector_of_school": (base.is_inspector_of_school, {"inspector"}),
}

SCHOOL_VIEWERS = {"ministry", "coordinator", "principal", "inspector"}

# Every permission of the core apps, and the roles holding it on ``school`` (or on a
# document of ``school``).
PERMISSIONS = {
    "accounts.manage_users": {"ministry"},
    "accounts.view_user": {"ministry"},
    "schools.view_school": SCHOOL_VIEWERS,
    "schools.list_schools": {"ministry", "inspector"},
    "schools.change_school": {"ministry"},
    "schools.add_school": {"ministry"},
    "schools.import_schools": {"ministry"},
    "schools.manage_evaluations": {"ministry"},
    "schools.request_profile_pdf": {"ministry", "coordinator", "principal"},
    "programme.manage_calendar": {"ministry"},
    "audit.view_auditentry": {"ministry"},
    "documents.view_document": SCHOOL_VIEWERS,
}

# The same permissions on a school in another county, where only the ministry reaches.
PERMISSIONS_FAR = {
    **PERMISSIONS,
    "schools.view_school": {"ministry"},
    "schools.request_profile_pdf": {"ministry"},
    "documents.view_document": {"ministry"},
}

CORE_APPS = ("accounts.", "schools.", "programme.", "audit.", "documents.")


def _document(school):
    return GeneratedDocument.objects.create(
        kind="school_profile",
        target_type=ContentType.objects.get_for_model(school),
        target_id=school.pk,
    )


def _target(perm, school):
    return _document(school) if perm.startswith("documents.") else school


def _fresh(user):
    """The user as a new request would load it (grants not cached)."""
    return type(user).objects.get(pk=user.pk)


def test_permission_table_covers_every_core_permission():
    """A permission added to a core app's rules.py without a test fails here."""
    registered = {name for name in rules.permissions.permissions if name.startswith(CORE_APPS)}
    assert registered == set(PERMISSIONS)


@pytest.mark.parametrize("role", ROLES)
def test_role_predicates_allow_only_their_role(role_users, role):
    user = role_users[role]
    assert {name: pred.test(user) for name, pred in ROLE_PREDICATES.items()} == {
        name: name == role for name in ROLE_PREDICATES
    }


def test_role_predicates_refuse_anonymous():
    anonymous = AnonymousUser()
    seen = {name: pred.test(anonymous) for name, pred in ROLE_PREDICATES.items()}
    assert seen == dict.fromkeys(ROLE_PREDICATES, False)


def test_role_predicates_refuse_a_user_without_grants(nobody):
    seen = {name: pred.test(nobody) for name, pred in ROLE_PREDICATES.items()}
    assert seen == dict.fromkeys(ROLE_PREDICATES, False)


@pytest.mark.parametrize("role", ROLES)
def test_school_predicates_on_own_school(role_users, school, role):
    """SUP-1: the inspector's scope is their county; school staff, their school."""
    user = role_users[role]
    assert {name: pred.test(user, school) for name, (pred, _r) in SCHOOL_PREDICATES.items()} == {
        name: role in allowed for name, (_p, allowed) in SCHOOL_PREDICATES.items()
    }


@pytest.mark.parametrize("role", ROLES)
def test_school_predicates_refuse_a_school_in_another_county(role_users, far_school, role):
    """A coordinator or principal of school A is refused on school B; an inspector is
    refused on a school outside their county (SUP-1)."""
    user = role_users[role]
    assert {
        name: pred.test(user, far_school) for name, (pred, _r) in SCHOOL_PREDICATES.items()
    } == dict.fromkeys(SCHOOL_PREDICATES, False)


def test_school_predicates_coordinator_refused_on_other_school_same_county(
    coordinator, inspector, school, other_school
):
    """Same county, other school: the coordinator is out; the county's inspector is in."""
    assert other_school.county_id == school.county_id
    assert base.is_staff_of_school.test(coordinator, other_school) is False
    assert base.is_coordinator_of_school.test(coordinator, other_school) is False
    assert base.is_inspector_of_school.test(inspector, other_school) is True


def test_school_predicates_follow_an_objects_school(coordinator, school, far_school):
    """An object with a ``school`` attribute counts as that school's."""
    own = SchoolEvaluation.objects.get(school=school)
    far = SchoolEvaluation.objects.get(school=far_school)
    assert base.school_of(own) == school
    assert base.school_of(school) == school
    assert base.school_of(None) is None
    assert base.is_staff_of_school.test(coordinator, own) is True
    assert base.is_staff_of_school.test(coordinator, far) is False
    assert base.is_staff_of_school.test(coordinator, None) is False


@pytest.mark.parametrize("name", list(SCHOOL_PREDICATES))
def test_school_predicates_refuse_anonymous(school, name):
    predicate, _allowed = SCHOOL_PREDICATES[name]
    assert predicate.test(AnonymousUser(), school) is False


@pytest.mark.parametrize("role", ROLES)
def test_permissions_on_own_school(role_users, school, role):
    user = role_users[role]
    assert {perm: user.has_perm(perm, _target(perm, school)) for perm in PERMISSIONS} == {
        perm: role in allowed for perm, allowed in PERMISSIONS.items()
    }


@pytest.mark.parametrize("role", ROLES)
def test_permissions_on_a_school_in_another_county(role_users, far_school, role):
    """School staff and inspectors reach nothing of a school outside their scope (SUP-1)."""
    user = role_users[role]
    assert {perm: user.has_perm(perm, _target(perm, far_school)) for perm in PERMISSIONS_FAR} == {
        perm: role in allowed for perm, allowed in PERMISSIONS_FAR.items()
    }


def test_permissions_coordinator_refused_on_other_school_same_county(coordinator, other_school):
    assert coordinator.has_perm("schools.view_school", other_school) is False
    assert coordinator.has_perm("schools.request_profile_pdf", other_school) is False
    assert coordinator.has_perm("documents.view_document", _document(other_school)) is False


def test_permissions_refuse_anonymous(school):
    anonymous = AnonymousUser()
    seen = {perm: anonymous.has_perm(perm, _target(perm, school)) for perm in PERMISSIONS}
    assert seen == dict.fromkeys(PERMISSIONS, False)


def test_permissions_refuse_a_user_without_grants(nobody, school):
    seen = {perm: nobody.has_perm(perm, _target(perm, school)) for perm in PERMISSIONS}
    assert seen == dict.fromkeys(PERMISSIONS, False)


def test_document_permission_refuses_an_unknown_kind(ministry, school):
    document = _document(school)
    document.kind = "no_such_kind"
    assert ministry.has_perm("documents.view_document", document) is False
    assert ministry.has_perm("documents.view_document", None) is False


@pytest.mark.parametrize("role", ROLES)
def test_revoked_grant_no_longer_counts(role_users, ministry, school, role):
    """A revoked grant keeps its row but gives the user nothing any more."""
    user = role_users[role]
    granted = RoleGrant.objects.get(user=user, role=role, revoked_at__isnull=True)
    grant_revoke(grant=granted, by=ministry)
    user = _fresh(user)
    assert ROLE_PREDICATES[role].test(user) is False
    assert user.roles == []
    seen = {perm: user.has_perm(perm, _target(perm, school)) for perm in PERMISSIONS}
    assert seen == dict.fromkeys(PERMISSIONS, False)


def test_revoked_school_grant_leaves_the_other_grant(ministry, coordinator, school, other_school):
    """A user serving two schools keeps the one whose grant is not revoked."""
    second = RoleGrant.objects.create(user=coordinator, role="coordinator", school=other_school)
    grant_revoke(
        grant=RoleGrant.objects.get(user=coordinator, school=school, role="coordinator"),
        by=ministry,
    )
    user = _fresh(coordinator)
    assert user.school_ids() == {second.school_id}
    assert user.has_perm("schools.view_school", school) is False
    assert user.has_perm("schools.view_school", other_school) is True
