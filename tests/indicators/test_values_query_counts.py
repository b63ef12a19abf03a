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
