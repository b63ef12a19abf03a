"""Holes found in review: what the server must refuse whatever the page offers."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consulting import services
from consulting.enums import ExchangeKind
from consulting.models import ExchangePhoto
from portal.programme import calendar
from tests.uploads import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(ministry, school, plan, other_plan):
    return services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="交流",
        date=calendar.taipei_today(),
        place="x",
        hosts=[school, other_plan.school],
        by=ministry,
    )


def test_sup8_photo_that_lies_about_its_type_is_refused(exchange, ministry):
    """The browser's claimed type proves nothing: an HTML page called a PNG is refused."""
    fake = SimpleUploadedFile("a.png", b"<html><script>alert(1)</script></html>", "image/png")
    with pytest.raises(services.ConsultingError, match="JPEG or PNG"):
        services.exchange_photo_add(
            exchange=exchange, upload=fake, caption="", is_public=True, by=ministry
        )
    assert not ExchangePhoto.objects.exists()


def test_sup9_photo_stored_and_served_as_the_image_its_content_is(exchange, ministry, client):
    upload = SimpleUploadedFile("page.html", PNG, "text/html")
    photo = services.exchange_photo_add(
        exchange=exchange, upload=upload, caption="公開", is_public=True, by=ministry
    )
    assert photo.file.name.endswith(".png")
    response = client.get(f"/public/programme/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sup3_recorded_date_in_another_year_needs_the_group_of_that_year(
    assigned, school, advisor, ministry
):
    """The recorded date decides the semester a consultation counts for: an advisor of this
    year's group cannot file it into last year's semester 2, where they advised nobody."""
    from tests.consulting import builders

    consultation = services.consultation_schedule(
        school=school,
        by=advisor,
        date=calendar.taipei_today(),
        mode="on_site",
        place="會議室",
    )
    last_year = dt.date(2026, 7, 15)  # 114學年度 semester 2
    with pytest.raises(services.ConsultingError, match="advisory group"):
        services.consultation_record(
            consultation=consultation, values={**builders.RECORD, "date": last_year}, by=advisor
        )
    consultation.refresh_from_db()
    assert (consultation.academic_year, consultation.semester) == (115, 1)
    builders.assign(advisor, school, ministry, year=114)
    recorded = services.consultation_record(
        consultation=consultation, values={**builders.RECORD, "date": last_year}, by=advisor
    )
    assert (recorded.academic_year, recorded.semester) == (114, 2)


def test_sup2_a_request_matched_last_year_opens_nothing_this_year(
    school, plan, coordinator, ministry, profiled_advisor, client_for
):
    """An advisor matched to a school's request sees the school that academic year; once it is
    over, without a place in the new year's advisory group, the school is closed to them."""
    import time_machine

    from tests.consulting import builders

    request = services.request_create(
        school=school, topic="產學合作", items=[9], details="需要協助", by=coordinator
    )
    services.request_match(request=request, advisor=profiled_advisor, note="", by=ministry)
    url = f"/consulting/schools/{school.code}/"
    assert client_for(profiled_advisor).get(url).status_code == 200
    with time_machine.travel(dt.datetime(2027, 8, 2, 10, tzinfo=calendar.TAIPEI)):
        builders.support(school, ministry, year=116)  # supported in the new year too
        assert client_for(profiled_advisor).get(url).status_code == 404


def test_sup2_sup3_ministry_only_services_refuse_others(
    school, plan, coordinator, ministry, profiled_advisor
):
    """The talent database, the advisory groups and matching refuse anyone but ministry staff
    in the service itself, not only behind the pages' permission."""
    from consulting.models import AdvisoryAssignment, SchoolRequest
    from portal.schools.models import District

    for by in (coordinator, profiled_advisor):
        with pytest.raises(services.ConsultingError, match="Only ministry staff"):
            services.advisor_profile_save(
                user=profiled_advisor,
                values={
                    "affiliation": "x",
                    "expertise": [7],
                    "is_available": True,
                    "availability_note": "",
                    "max_schools": 9,
                },
                districts=District.objects.all(),
                by=by,
            )
        with pytest.raises(services.ConsultingError, match="Only ministry staff"):
            services.assignment_add(
                academic_year=115, school=school, advisor=profiled_advisor, by=by
            )
    request = services.request_create(
        school=school, topic="題", items=[7], details="x", by=coordinator
    )
    with pytest.raises(services.ConsultingError, match="Only ministry staff"):
        services.request_match(request=request, advisor=profiled_advisor, note="", by=coordinator)
    assert not AdvisoryAssignment.objects.exists()
    assert SchoolRequest.objects.get().advisor is None
    assignment = services.assignment_add(
        academic_year=115, school=school, advisor=profiled_advisor, by=ministry
    )
    with pytest.raises(services.ConsultingError, match="Only ministry staff"):
        services.assignment_remove(assignment=assignment, by=coordinator)


def test_sup3_same_assignment_saved_twice_at_once_is_refused_not_a_crash(
    school, plan, ministry, profiled_advisor, monkeypatch
):
    """Two staff assign the same advisor at the same moment: both pass the check, the
    database's constraint stops the second, which gets the refusal in words."""
    from django.db.models import QuerySet

    services.assignment_add(academic_year=115, school=school, advisor=profiled_advisor, by=ministry)
    from consulting.models import AdvisoryAssignment

    exists = QuerySet.exists
    # The race: the check saw no assignment.
    monkeypatch.setattr(
        QuerySet, "exists", lambda qs: False if qs.model is AdvisoryAssignment else exists(qs)
    )
    with pytest.raises(services.ConsultingError, match="already assigned"):
        services.assignment_add(
            academic_year=115, school=school, advisor=profiled_advisor, by=ministry
        )


def test_school_page_link_to_a_problem_says_what_it_leads_to(
    school, plan, inspector, coordinator, client_for
):
    services.inspection_record(
        school=school,
        visited_on=calendar.taipei_today(),
        checked="經費",
        assessment="",
        problems=["採購程序瑕疵"],
        by=inspector,
    )
    page = client_for(coordinator).get(f"/consulting/schools/{school.code}/").content.decode()
    assert "查看問題並回覆辦理情形" in page
    assert ">開啟<" not in page
