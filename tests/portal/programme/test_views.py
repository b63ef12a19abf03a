"""The programme calendar pages: phases (SCHED-1) and application windows (APP-3)."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.programme import calendar, selectors
from portal.programme.models import ApplicationWindow, Phase

pytestmark = pytest.mark.django_db


def test_calendar_page_shows_the_current_year(client_for, ministry):
    """SCHED-1, SCHED-2: the current academic year, semester and the phases."""
    response = client_for(ministry).get(reverse("programme:calendar"))
    assert response.status_code == 200
    assert response.context["current_year"] == calendar.AcademicYear.current()
    assert response.context["current_semester"] == calendar.Semester.current()
    assert response.context["application_year"] == selectors.application_year()
    assert [p.start_year for p in response.context["phases"]] == [103, 106, 109]


def test_phase_create_page_saves(client_for, ministry):
    """SCHED-1: phases are data the ministry configures."""
    response = client_for(ministry).post(
        reverse("programme:phase_create"),
        {"name": "第四期程", "start_year": 112, "end_year": 114, "notes": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programme:calendar")
    assert Phase.objects.get(name="第四期程").years == [112, 113, 114]


def test_phase_create_page_overlap_refused(client_for, ministry):
    """SCHED-1: an overlapping phase stays on the form, with an error."""
    response = client_for(ministry).post(
        reverse("programme:phase_create"),
        {"name": "重疊", "start_year": 111, "end_year": 113, "notes": ""},
    )
    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert Phase.objects.filter(name="重疊").exists() is False


def test_phase_edit_page_saves(client_for, ministry):
    """SCHED-1: a phase's notes are edited like any data."""
    phase = Phase.objects.get(start_year=109)
    response = client_for(ministry).post(
        reverse("programme:phase_edit", args=[phase.pk]),
        {"name": "第三期程", "start_year": 109, "end_year": 111, "notes": "延長一年評估"},
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.notes == "延長一年評估"


def test_window_create_page_suggests_april_to_june_of_the_next_year(client_for, ministry):
    """APP-3: the form starts with 1 April – 30 June for the year plans are filed for."""
    response = client_for(ministry).get(reverse("programme:window_create"))
    year = selectors.application_year()
    opens, closes = calendar.default_window(year)
    assert response.context["form"].initial == {
        "academic_year": year,
        "opens_on": opens,
        "closes_on": closes,
    }


def test_window_create_page_skips_years_that_have_a_window(client_for, ministry):
    """APP-3: one window per year: the form suggests the next free year."""
    year = selectors.application_year()
    opens, closes = calendar.default_window(year)
    ApplicationWindow.objects.create(academic_year=year, opens_on=opens, closes_on=closes)
    response = client_for(ministry).get(reverse("programme:window_create"))
    assert response.context["form"].initial["academic_year"] == year + 1


def test_window_create_page_saves(client_for, ministry):
    """APP-3: the ministry sets the window of a year."""
    response = client_for(ministry).post(
        reverse("programme:window_create"),
        {"academic_year": 116, "opens_on": "116/04/01", "closes_on": "116/06/30"},
    )
    assert response.status_code == 302
    window = ApplicationWindow.objects.get()
    assert (window.academic_year, window.opens_on, window.closes_on, window.updated_by) == (
        116,
        dt.date(2027, 4, 1),
        dt.date(2027, 6, 30),
        ministry,
    )


def test_window_create_page_closing_before_opening_refused(client_for, ministry):
    """APP-3: the form refuses a window that closes before it opens."""
    response = client_for(ministry).post(
        reverse("programme:window_create"),
        {"academic_year": 116, "opens_on": "116/04/01", "closes_on": "116/03/31"},
    )
    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert ApplicationWindow.objects.count() == 0


def test_window_edit_page_saves(client_for, ministry):
    """APP-3: a window can be moved."""
    window = ApplicationWindow.objects.create(
        academic_year=116, opens_on=dt.date(2027, 4, 1), closes_on=dt.date(2027, 6, 30)
    )
    response = client_for(ministry).post(
        reverse("programme:window_edit", args=[window.pk]),
        {"academic_year": 116, "opens_on": "116/04/01", "closes_on": "116/07/15"},
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.closes_on == dt.date(2027, 7, 15)
