"""The ministry's charts across schools and a school's own pages of values keep the same
number of queries at one school (or year of values) and at three."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, grant
from tests.indicators.test_values_boards import schools_in_every_state
from tests.indicators.values_builders import YEAR, submitted_report, supported_plan

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


MINISTRY_PAGES = [
    f"/indicators/values/spread/?year={YEAR}&indicator=T03",
    f"/indicators/values/map/?academic_year={YEAR}",
]


@pytest.mark.parametrize("url", MINISTRY_PAGES)
def test_ministry_charts_queries_do_not_grow_with_schools(url, ministry, client_for):
    schools_in_every_state(1)
    one = count(client_for(ministry), url)
    schools_in_every_state(2)
    assert count(client_for(ministry), url) == one


def test_school_pages_queries_do_not_grow_with_other_schools(school, ministry, client_for):
    """A school's list of years and its charts read only its own values."""
    coordinator = grant(UserFactory(username="coord-own"), "coordinator", school=school)
    principal = grant(UserFactory(username="prin-own"), "principal", school=school)
    plan = supported_plan(school, coordinator)
    submitted_report(plan, coordinator, principal)
    pages = [
        f"/indicators/values/school/{school.code}/",
        f"/indicators/values/school/{school.code}/charts/",
    ]
    before = [count(client_for(coordinator), url) for url in pages]
    schools_in_every_state(3)
    assert [count(client_for(coordinator), url) for url in pages] == before


def test_advisor_values_home_queries_do_not_grow_with_the_country(
    school, advisor, ministry, client_for
):
    """An advisor's list of schools asks about their own schools, not every supported one."""
    from consulting.models import AdvisoryAssignment

    coordinator = grant(UserFactory(username="coord-adv"), "coordinator", school=school)
    supported_plan(school, coordinator)
    AdvisoryAssignment.objects.create(
        advisor=advisor, school=school, academic_year=115, assigned_by=ministry
    )
    client = client_for(advisor)
    before = count(client, "/indicators/values/")
    assert [s.code for s in client.get("/indicators/values/").context["schools"]] == [school.code]
    schools_in_every_state(3)
    assert count(client, "/indicators/values/") == before
