"""Issue 10 §2: reviewers read what they were assigned — the version frozen when the school
submitted it for the round, not the live plan; a later version (a budget revised to the
approved amounts, say) is listed beside it."""

import pytest
from django.urls import reverse

from applications.models import PlanVersion
from review.models import Assignment
from tests.review import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(round1, ministry, expert, plan):
    return builders.assign(round1, expert, plan, ministry)


def _page(client, assignment, query=""):
    return client.get(reverse("review:assignment_plan", args=[assignment.pk]) + query)


def test_assignment_records_the_version_submitted(assigned, plan):
    assert assigned.version == plan.versions.get(number=1)


def test_reviewer_reads_the_frozen_version_not_the_live_plan(client_for, assigned, expert, plan):
    subplan = plan.subplans.first()
    frozen_title = subplan.title
    # The live plan changes after submission (a ministry correction, a later revision).
    type(subplan).objects.filter(pk=subplan.pk).update(title="事後修改的子計畫名稱")
    page = _page(client_for(expert.user), assigned).content.decode()
    assert frozen_title in page
    assert "事後修改的子計畫名稱" not in page
    assert 'id="version-note"' in page and "您受分派審查的版本" in page
    # The scoring page links to it, not to the live plan's reading page.
    scoring = client_for(expert.user).get(reverse("review:assignment", args=[assigned.pk]))
    html = scoring.content.decode()
    assert reverse("review:assignment_plan", args=[assigned.pk]) in html
    assert reverse("applications:plan_read", args=[plan.pk]) not in html


def test_a_later_version_shows_beside_the_assigned_one(client_for, assigned, expert, plan):
    first = plan.versions.get(number=1)
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        academic_year=first.academic_year,
        kind=first.kind,
        snapshot=first.snapshot,
        submitted_by=first.submitted_by,
    )
    client = client_for(expert.user)
    page = _page(client, assigned).content.decode()
    assert "之後送出" in page and "您受分派" in page
    assert "?version=2" in page
    later = _page(client, assigned, "?version=2").content.decode()
    assert "請以第 1 版評分" in later
    scoring = client.get(reverse("review:assignment", args=[assigned.pk])).content.decode()
    assert "之後另送出 1 個版本" in scoring


def test_version_page_refuses_other_versions_and_other_people(
    client_for, assigned, expert, industry, ministry, coordinator, round1, plan
):
    client = client_for(expert.user)
    assert _page(client, assigned, "?version=9").status_code == 404
    assert _page(client, assigned, "?version=x").status_code == 404
    assert _page(client_for(industry.user), assigned).status_code == 404
    assert _page(client_for(coordinator), assigned).status_code == 403
    assert _page(client_for(ministry), assigned).status_code == 403
    a = Assignment.objects.get(pk=assigned.pk)
    assert _page(client_for(expert.user), a).status_code == 200
