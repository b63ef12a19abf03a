"""Fixtures for the plan tests: fast log-ins, and the people around one school's plan."""

import pytest

from tests.factories import UserFactory, grant


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Users are created with a password; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def other_coordinator(other_school):
    """The coordinator of ``other_school``: the right role, another school."""
    return grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)


@pytest.fixture
def other_principal(other_school):
    return grant(UserFactory(username="other-principal"), "principal", school=other_school)


@pytest.fixture
def second_coordinator(school):
    """A second coordinator of ``school``: two people editing the same plan."""
    return grant(
        UserFactory(username="second-coordinator", name="張老師"), "coordinator", school=school
    )
