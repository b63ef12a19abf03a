"""Fixtures of the review tests: a committee of the open phase, members of several categories,
submitted plans, and round 1 open for scoring."""

import pytest

from tests.review import builders


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def committee(ministry):
    return builders.make_committee(ministry)


@pytest.fixture
def round1(committee, ministry):
    return builders.open_round(builders.first_round(committee), ministry)


@pytest.fixture
def round2(committee):
    return builders.second_round(committee)


@pytest.fixture
def plan(school, coordinator, principal):
    """The submitted plan of ``school`` (whose principal is ``principal``)."""
    from tests.applications.builders import submitted_plan

    return submitted_plan(school, coordinator, principal)


@pytest.fixture
def other_plan(other_school):
    from tests.applications.builders import submitted_plan
    from tests.factories import UserFactory, grant

    coordinator = grant(UserFactory(username="other-coord"), "coordinator", school=other_school)
    principal = grant(UserFactory(username="other-head"), "principal", school=other_school)
    return submitted_plan(other_school, coordinator, principal)


@pytest.fixture
def expert(committee, ministry, committee_member):
    """The ``committee_member`` fixture's user, on the committee (專家學者)."""
    from review import services

    return services.committee_member_add(committee=committee, user=committee_member, by=ministry)


@pytest.fixture
def industry(committee, ministry):
    return builders.add_member(
        committee, ministry, "industry-rep", "industry", affiliation="某公司"
    )


@pytest.fixture
def principal_member(committee, ministry, principal, school):
    """``school``'s own principal, also a committee member (高級中等學校校長)."""
    from review import services
    from tests.factories import grant

    grant(
        principal,
        "committee",
        committee_category="principal",
        affiliation=school.name,
        affiliated_school=school,
    )
    return services.committee_member_add(committee=committee, user=principal, by=ministry)


@pytest.fixture
def english():
    """Messages in English, so that tests can match the source strings."""
    from django.utils import translation

    with translation.override("en"):
        yield
