"""Evaluations by hand (ELIG-2, EVAL-1): ministry staff add or correct one school's scores in
a cycle from the school's page; a correction needs a reason; every change is audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.schools.models import SchoolEvaluation
from tests.factories import CycleFactory, SchoolFactory, evaluated_school

pytestmark = pytest.mark.django_db


def edit_url(cycle, school):
    return reverse("schools:evaluation_edit", args=[cycle.pk, school.code]) + "?from=school"


def test_school_page_offers_adding_and_correcting_to_the_ministry(client_for, ministry):
    school = evaluated_school(scores=["85"] * 8)
    scored = SchoolEvaluation.objects.get(school=school).cycle
    later = CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119)
    html = client_for(ministry).get(reverse("schools:detail", args=[school.code])).content
    html = html.decode()
    assert (
        edit_url(scored, school).replace("&", "&amp;") in html or edit_url(scored, school) in html
    )
    assert edit_url(later, school) in html
    assert "更正分數" in html


@pytest.mark.parametrize("role", ["coordinator", "principal", "inspector"])
def test_school_page_offers_nothing_to_others(request, client_for, school, role):
    user = request.getfixturevalue(role)
    html = client_for(user).get(reverse("schools:detail", args=[school.code])).content.decode()
    assert "/evaluations/" not in html
    cycle = SchoolEvaluation.objects.get(school=school).cycle
    assert client_for(user).get(edit_url(cycle, school)).status_code == 403
    data = {f"item_{i}": "99" for i in range(1, 9)} | {"note": "改"}
    assert client_for(user).post(edit_url(cycle, school), data).status_code == 403
    assert SchoolEvaluation.objects.get(school=school).total_average == Decimal("85")


def test_adding_scores_by_hand_is_audited_and_returns_to_the_school(client_for, ministry):
    school = SchoolFactory()
    cycle = CycleFactory()
    data = {f"item_{i}": "88.5" for i in range(1, 9)} | {"note": "評鑑結果報告第 12 頁"}
    response = client_for(ministry).post(edit_url(cycle, school), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:detail", args=[school.code])
    evaluation = SchoolEvaluation.objects.get(school=school)
    assert evaluation.total_average == Decimal("88.5")
    entry = AuditEntry.objects.get(action="evaluation.create")
    assert (entry.actor, entry.school, entry.note) == (ministry, school, "評鑑結果報告第 12 頁")
    assert entry.after["總平均"] == "88.5"


def test_correcting_scores_needs_a_reason(client_for, ministry):
    school = evaluated_school(scores=["85"] * 8)
    cycle = SchoolEvaluation.objects.get(school=school).cycle
    data = {f"item_{i}": "85" for i in range(1, 9)} | {"item_2": "79.99"}
    response = client_for(ministry).post(edit_url(cycle, school), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["note"]
    assert 'value="79.99"' in response.content.decode()  # what was typed is kept
    assert SchoolEvaluation.objects.get(school=school).total_average == Decimal("85")


def test_correcting_scores_audited_with_before_and_after(client_for, ministry):
    school = evaluated_school(scores=["85"] * 8)
    cycle = SchoolEvaluation.objects.get(school=school).cycle
    data = {f"item_{i}": "85" for i in range(1, 9)} | {"item_2": "79.99", "note": "評鑑報告更正"}
    response = client_for(ministry).post(edit_url(cycle, school), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="evaluation.update")
    assert entry.note == "評鑑報告更正"
    assert entry.before["總平均"] == "85.00000"
    assert entry.after["行政管理"] == "79.99"
    evaluation = SchoolEvaluation.objects.get(school=school)
    assert evaluation.total_average < Decimal("85")
    # The school is no longer eligible: its page says so.
    html = client_for(ministry).get(reverse("schools:detail", args=[school.code])).content
    assert "不符申請資格" in html.decode()
