"""Fixtures shared by the core-domain tests: a user of every role, a school elsewhere."""

import pytest

from tests.factories import UserFactory, evaluated_school, grant

#: The seven roles, in the order the home page lists their sections.
ROLES = ["ministry", "coordinator", "principal", "committee", "advisor", "inspector", "panel"]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Log-ins hash passwords; a fast hasher keeps the log-in tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def far_school(db):
    """An eligible school in another county (高雄市) than ``school`` (臺中市)."""
    from portal.schools.models import County

    county = County.objects.get(code="kaohsiung")
    return evaluated_school(scores=["88"] * 8, county=county, district=county.default_district)


@pytest.fixture
def other_coordinator(other_school):
    """The coordinator of ``other_school``: the right role, another school."""
    return grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)


@pytest.fixture
def far_coordinator(far_school):
    return grant(UserFactory(username="far-coordinator"), "coordinator", school=far_school)


@pytest.fixture
def nobody(db):
    """An account with no role grant."""
    return UserFactory(username="no-role-user")


@pytest.fixture
def role_users(
    ministry, coordinator, principal, committee_member, advisor, inspector, panel_member
):
    """One user per role, keyed by the role's value."""
    return {
        "ministry": ministry,
        "coordinator": coordinator,
        "principal": principal,
        "committee": committee_member,
        "advisor": advisor,
        "inspector": inspector,
        "panel": panel_member,
    }
