"""Pages that list things keep the same number of queries at one item and at three."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consulting import services
from tests.consulting import builders
from tests.factories import grant

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def answered_consultation(advisor, school, coordinator):
    consultation = builders.held(advisor, school, advice=1, file=True)
    for advice in consultation.advice.all():
        services.advice_answer(advice=advice, text="已辦理", status="in_progress", by=coordinator)
    return consultation


def test_school_page_queries_do_not_grow_with_consultations(
    assigned, school, coordinator, client_for
):
    advisor = assigned.advisor
    answered_consultation(advisor, school, coordinator)
    client = client_for(coordinator)
    url = f"/consulting/schools/{school.code}/"
    one = count(client, url)
    for _ in range(2):
        answered_consultation(advisor, school, coordinator)
    assert count(client, url) == one


def test_consultation_page_queries_do_not_grow_with_advice(
    assigned, school, coordinator, client_for
):
    advisor = assigned.advisor
    earlier = answered_consultation(advisor, school, coordinator)
    consultation = builders.held(advisor, school, advice=1, file=True)
    client = client_for(advisor)
    url = f"/consulting/consultations/{consultation.pk}/"
    one = count(client, url)
    # Two more earlier pieces of advice carried, two more of its own answered.
    for _ in range(2):
        services.advice_answer(
            advice=consultation.advice.first(), text="再答", status="in_progress", by=coordinator
        )
        services.advice_answer(
            advice=earlier.advice.first(), text="再答", status="in_progress", by=coordinator
        )
    assert count(client, url) == one


def test_advisor_pages_queries_do_not_grow_with_schools(
    profiled_advisor, school, plan, ministry, client_for
):
    advisor = profiled_advisor
    builders.assign(advisor, school, ministry)
    builders.held(advisor, school, advice=1, file=True)
    mine = count(client_for(advisor), "/consulting/mine/")
    group = count(client_for(ministry), "/consulting/group/")
    for _ in range(2):
        other = builders.supported_school(ministry, district=school.district)
        grant(builders.UserFactory(), "coordinator", school=other)
        builders.assign(advisor, other, ministry)
        builders.held(advisor, other, advice=1, file=True)
    assert count(client_for(advisor), "/consulting/mine/") == mine
    assert count(client_for(ministry), "/consulting/group/") == group


def test_advisor_and_inspector_homes_queries_do_not_grow(
    profiled_advisor, school, plan, ministry, client_for
):
    from tests.factories import CountyFactory, UserFactory

    county = school.county or CountyFactory()
    inspector = grant(UserFactory(username="insp-home"), "inspector", county=county)
    advisor = profiled_advisor
    builders.assign(advisor, school, ministry)
    builders.held(advisor, school, advice=1, file=False)
    services.inspection_record(
        school=school,
        visited_on=builders.calendar.taipei_today(),
        checked="x",
        assessment="",
        problems=["問題"],
        by=inspector,
    )
    home = count(client_for(advisor), "/"), count(client_for(inspector), "/")
    for _ in range(2):
        other = builders.supported_school(ministry, district=school.district, county=county)
        builders.assign(advisor, other, ministry)
        builders.held(advisor, other, advice=1, file=False)
        services.inspection_record(
            school=other,
            visited_on=builders.calendar.taipei_today(),
            checked="x",
            assessment="",
            problems=["問題"],
            by=inspector,
        )
    assert (count(client_for(advisor), "/"), count(client_for(inspector), "/")) == home
