"""RES-2: a school keeps any scholarship granted under
均衡教育發展獎勵國中畢業生升學當地高級中等學校獎學金 — a flag on the school,
set by ministry staff (audited), shown on its page and filterable on the school list.
No workflow beyond that."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.schools.models import School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _edit_data(school, **overrides):
    data = {
        "code": school.code,
        "name": school.name,
        "ownership": school.ownership,
        "county": school.county_id,
        "district": school.district_id,
        "address": school.address,
        "phone": school.phone,
        "website": school.website,
        "programme_page_url": school.programme_page_url,
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_res2_ministry_sets_the_scholarship_flag_audited(client_for, ministry, school):
    response = client_for(ministry).post(
        reverse("schools:edit", args=[school.code]), _edit_data(school, scholarship="on")
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.scholarship is True
    entry = AuditEntry.objects.filter(action="school.update").last()
    assert (entry.before["scholarship"], entry.after["scholarship"]) == (False, True)


def test_res2_coordinator_cannot_set_the_flag(client_for, coordinator, school):
    response = client_for(coordinator).post(
        reverse("schools:edit", args=[school.code]), _edit_data(school, scholarship="on")
    )
    assert response.status_code in (403, 404)
    school.refresh_from_db()
    assert school.scholarship is False


def test_res2_school_page_shows_the_flag(client_for, coordinator, school):
    School.objects.filter(pk=school.pk).update(scholarship=True)
    response = client_for(coordinator).get(reverse("schools:detail", args=[school.code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "獎學金" in text


def test_res2_school_list_filters_by_the_flag(client_for, ministry, school):
    keeping = SchoolFactory(scholarship=True)
    client = client_for(ministry)
    url = reverse("schools:list")

    def codes(value):
        response = client.get(url, {"scholarship": value})
        return sorted(s.code for s, _e in response.context["page"])

    assert codes("true") == [keeping.code]
    assert codes("false") == [school.code]
    assert codes("") == sorted([school.code, keeping.code])
