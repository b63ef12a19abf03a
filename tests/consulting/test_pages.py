"""The pages behind each action: the advisory group and its suggestion, requests matched by
ministry staff, exchanges created, registered and recorded, through the forms."""

import datetime as dt

import pytest
import time_machine

from consulting import services
from consulting.enums import ExchangeKind
from consulting.models import AdvisoryAssignment, Exchange, ExchangeSchool, SchoolRequest
from portal.programme import calendar
from tests.consulting import builders
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_sup3_ministry_assigns_and_applies_the_suggestion(
    ministry, school, plan, other_plan, profiled_advisor, client_for
):
    client = client_for(ministry)
    response = client.post(
        "/consulting/group/",
        {"year": "115", "school": school.pk, "advisor": profiled_advisor.pk},
    )
    assert response.status_code == 302
    page = client.get("/consulting/group/?year=115&suggest=1")
    proposal = page.context["proposal"]
    assert [(p.school.code, p.advisor.pk) for p in proposal] == [
        (other_plan.school.code, profiled_advisor.pk)
    ]
    client.post(
        "/consulting/group/apply/",
        {"year": "115", "pair": [f"{other_plan.school_id}:{profiled_advisor.pk}"]},
    )
    assert sorted(AdvisoryAssignment.objects.values_list("school__code", flat=True)) == sorted(
        [school.code, other_plan.school.code]
    )


def test_sup3_assignment_refusal_shown_on_the_form(ministry, school, plan, client_for):
    own = builders.advisor_user("own-adv", ministry, affiliation="x", affiliated_school=school)
    response = client_for(ministry).post(
        "/consulting/group/", {"year": "115", "school": school.pk, "advisor": own.pk}
    )
    assert response.status_code == 200
    assert "委員不輔導自己任職的學校" in str(response.context["form"].non_field_errors())


def test_sup2_talent_database_edited_by_the_ministry(ministry, advisor, client_for):
    from portal.schools.models import District

    client = client_for(ministry)
    zhongtou = District.objects.get(code="zhongtou")
    response = client.post(
        "/consulting/advisors/new/",
        {
            "user": advisor.pk,
            "districts": [zhongtou.pk],
            "expertise": ["3", "9"],
            "affiliation": "國立彰化師範大學",
            "is_available": "on",
            "max_schools": "3",
        },
    )
    assert response.status_code == 302
    assert advisor.advisor_profile.expertise_items == [3, 9]


def test_sup2_request_made_and_matched_through_the_pages(
    school, plan, coordinator, ministry, profiled_advisor, client_for
):
    client = client_for(coordinator)
    client.post(
        f"/consulting/schools/{school.code}/request/",
        {"topic": "產學合作", "items": ["9"], "details": "需要協助規劃實習"},
    )
    request = SchoolRequest.objects.get()
    client = client_for(ministry)
    client.post(f"/consulting/requests/{request.pk}/", {"advisor": profiled_advisor.pk})
    request.refresh_from_db()
    assert (request.status, request.advisor_id) == ("matched", profiled_advisor.pk)
    # The matched advisor may now see the school and schedule.
    page = client_for(profiled_advisor).get(f"/consulting/requests/{request.pk}/")
    assert page.status_code == 200
    assert f"/consulting/schools/{school.code}/schedule/?request={request.pk}" in (
        page.content.decode()
    )


def test_sup2_other_schools_cannot_see_a_request(
    school, plan, coordinator, other_school, client_for
):
    request = services.request_create(
        school=school, topic="題", items=[], details="x", by=coordinator
    )
    stranger = grant(UserFactory(), "coordinator", school=other_school)
    assert client_for(stranger).get(f"/consulting/requests/{request.pk}/").status_code == 404


def test_sup5_sup8_exchange_created_registered_and_recorded_through_the_pages(
    ministry, school, plan, other_plan, coordinator, client_for
):
    client = client_for(coordinator)
    response = client.post(
        "/consulting/exchanges/new/",
        {
            "kind": ExchangeKind.INTER_SCHOOL,
            "title": "校際交流",
            "date": "115/11/20",
            "place": "圖書館",
            "hosts": [school.pk, other_plan.school_id],
        },
    )
    exchange = Exchange.objects.get()
    assert response.url == exchange.get_absolute_url()
    other_staff = grant(UserFactory(), "coordinator", school=other_plan.school)
    client_for(other_staff).post(
        f"/consulting/exchanges/{exchange.pk}/register/{other_plan.school_id}/",
        {"attendees": "校長、主任", "principal_registered": "on"},
    )
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=calendar.TAIPEI)):
        response = client_for(coordinator).post(
            f"/consulting/exchanges/{exchange.pk}/record/",
            {
                "record": "兩校 40 人參與",
                f"attended_{school.pk}": "on",
                f"principal_{school.pk}": "full",
                f"attended_{other_plan.school_id}": "on",
                f"principal_{other_plan.school_id}": "partial",
            },
        )
    assert response.status_code == 302
    assert list(
        ExchangeSchool.objects.order_by("school__code").values_list(
            "school__code", "attended", "principal_attendance", "principal_registered"
        )
    ) == sorted(
        [
            (school.code, True, "full", False),
            (other_plan.school.code, True, "partial", True),
        ]
    )


def test_sup5_only_co_hosts_record_an_exchange(ministry, school, plan, other_plan, client_for):
    exchange = services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="交流",
        date=calendar.taipei_today(),
        place="x",
        hosts=[school, other_plan.school],
        by=ministry,
    )
    third = builders.supported_school(ministry)
    stranger = grant(UserFactory(), "coordinator", school=third)
    assert client_for(stranger).get(f"/consulting/exchanges/{exchange.pk}/record/").status_code == (
        403
    )


@pytest.mark.parametrize(
    ("role", "urls"),
    [
        (
            "ministry",
            [
                "/consulting/",
                "/consulting/board/",
                "/consulting/exchanges/board/",
                "/consulting/advisors/",
                "/consulting/advisors/new/",
                "/consulting/group/",
                "/consulting/requests/",
                "/consulting/inspections/",
                "/consulting/exchanges/",
                "/consulting/exchanges/new/",
            ],
        ),
        ("coordinator", ["/consulting/", "/consulting/exchanges/", "/consulting/requests/"]),
        ("inspector", ["/consulting/inspections/", "/consulting/inspections/new/"]),
    ],
)
def test_pages_open_for_their_roles(request, role, urls, plan, client_for):
    client = client_for(request.getfixturevalue(role))
    for url in urls:
        response = client.get(url, follow=True)
        assert (url, response.status_code) == (url, 200)
