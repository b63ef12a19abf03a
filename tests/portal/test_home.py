"""The home page: one section per role the person holds."""

import datetime as dt

import pytest
from django.db import transaction

from portal.audit.services import audit_record
from portal.programme import calendar, selectors
from portal.programme.models import ApplicationWindow
from tests.factories import TEST_PASSWORD, UserFactory, evaluated_school, grant
from tests.portal.conftest import ROLES

pytestmark = pytest.mark.django_db


def _core(response):
    """The sections of the person's roles (apps add sections of their own after them)."""
    from portal.accounts.enums import Role

    return [section for section in response.context["sections"] if section.role in Role.values]


def _sections(response):
    return [section.role for section in _core(response)]


@pytest.mark.parametrize("role", ROLES)
def test_home_each_role_lands_on_its_own_section(client, role_users, role):
    """Logging in through the form lands on / with the section of the person's role."""
    user = role_users[role]
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert _sections(home) == [role]


def test_home_without_a_role_shows_no_section(client_for, nobody):
    """An account without a grant sees the no-role message and the programme's status."""
    response = client_for(nobody).get("/")
    assert response.status_code == 200
    assert response.context["sections"] == []
    assert response.context["tasks"] == []
    assert response.context["academic_year"] == calendar.AcademicYear.current()
    assert response.context["semester"] == calendar.Semester.current()


def test_home_principal_on_the_committee_sees_both(client_for, principal):
    """SEL-3: a principal who reviews for the committee has both sections."""
    grant(principal, "committee", committee_category="principal")
    assert _sections(client_for(principal).get("/")) == ["principal", "committee"]


def test_home_coordinator_of_two_schools_sees_each(client_for, coordinator, school, other_school):
    """A coordinator serving two schools has a section for each."""
    grant(coordinator, "coordinator", school=other_school)
    sections = client_for(coordinator).get("/").context["sections"]
    assert [(s.role, s.context["school"]) for s in sections] == [
        ("coordinator", school),
        ("coordinator", other_school),
    ]


def test_home_school_section_shows_eligibility(client_for, coordinator, school):
    """ELIG-1, ITEM-2: the school's own eligibility, with item 7 mandatory."""
    [section] = _core(client_for(coordinator).get("/"))
    assert section.context["eligibility"].eligible is True
    assert section.context["eligibility"].mandatory_items == [7]


def test_home_revoked_grant_leaves_no_section(client_for, coordinator):
    coordinator.grants.update(revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    assert client_for(coordinator).get("/").context["sections"] == []


def test_home_inspector_sees_their_county_schools(client_for, inspector, school, far_school):
    """SUP-1: the inspector's schools are those of their county."""
    [section] = _core(client_for(inspector).get("/"))
    assert [s for s, _e in section.context["rows"]] == [school]
    assert section.context["counties"] == [school.county]


def test_home_ministry_counts_and_tasks(client_for, ministry, school):
    """ELIG-1, ITEM-3: the ministry's counts; with no window for next year, a task to set it."""
    evaluated_school(scores=["95"] * 8)
    evaluated_school(scores=["70"] * 8)
    response = client_for(ministry).get("/")
    [section] = _core(response)
    context = section.context
    assert (
        context["school_count"],
        context["eligible_count"],
        context["mandatory_count"],
    ) == (3, 2, 1)
    window_tasks = [
        (task.url, task.urgent)
        for task in response.context["tasks"]
        if task.url == "/programme/windows/new/"
    ]
    assert window_tasks == [("/programme/windows/new/", True)]


def test_home_ministry_no_window_task_once_set(client_for, ministry):
    """APP-3: once next year's window is set, the task is gone."""
    year = selectors.application_year()
    opens, closes = calendar.default_window(year)
    ApplicationWindow.objects.create(academic_year=year, opens_on=opens, closes_on=closes)
    tasks = client_for(ministry).get("/").context["tasks"]
    assert [t.url for t in tasks if t.url == "/programme/windows/new/"] == []


def test_home_ministry_query_count_does_not_grow(client_for, ministry):
    """ELIG-1, APP-3: counts, windows and recent changes in constant queries (1 and 8)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(ministry)
    counts = []
    made = 0
    for size in (1, 8):
        while made < size:
            school = evaluated_school(scores=[str(78 + made)] * 8)
            with transaction.atomic():
                audit_record(actor=ministry, action="school.update", target=school, school=school)
            ApplicationWindow.objects.create(
                academic_year=130 + made,
                opens_on=dt.date(2041 + made, 4, 1),
                closes_on=dt.date(2041 + made, 6, 30),
            )
            grant(UserFactory(), "coordinator", school=school)
            made += 1
        client.get("/")  # caches warmed alike for both sizes
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        counts.append(len(queries))
        assert response.context["sections"][0].context["school_count"] == size
    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", ["advisor", "panel"])
def test_home_advisor_and_panel_list_the_supported_schools(
    request, role, school, coordinator, principal, ministry, client_for
):
    """SUP-3, OVS-1: advisors and panel members see which schools are supported now;
    a plan still under review is not listed."""
    from applications.enums import PlanStatus
    from tests.applications.builders import plan_in

    plan_in(
        PlanStatus.APPROVED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    user = request.getfixturevalue({"advisor": "advisor", "panel": "panel_member"}[role])
    sections = client_for(user).get("/").context["sections"]
    supported = next(s for s in sections if s.role == role).context["supported"]
    assert [(p.school.code, p.status) for p in supported] == [(school.code, "approved")]
