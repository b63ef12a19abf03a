"""Who sees and changes the plan's targets and the catalogue (issue 7 point 8): every page
for every role, the right role on another school's plan, and query counts at two sizes."""

import pytest
from django.urls import reverse

from applications import services as plan_services
from indicators.models import PlanIndicator
from indicators.selectors.catalogue import catalogue_for_plan
from indicators.services.catalogue import version_create
from tests.applications.builders import submitted_plan
from tests.factories import UserFactory, grant
from tests.indicators.builders import SHARED, draft_plan, ministry_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(school, coordinator):
    return draft_plan(school, coordinator, items=(2, 7))


@pytest.fixture
def submitted(school, coordinator, principal):
    return submitted_plan(school, coordinator, principal)


@pytest.fixture
def approved(submitted, ministry):
    plan_services.plan_review_start(plan=submitted, by=ministry)
    return plan_services.plan_decide(plan=submitted, approve=True, by=ministry)


@pytest.fixture
def other_coordinator(other_school):
    return grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)


@pytest.fixture
def assigned_reviewer(submitted, ministry):
    from tests.review import builders

    committee = builders.make_committee(ministry)
    rnd = builders.open_round(builders.first_round(committee), ministry)
    member = builders.add_member(committee, ministry, "assigned-reviewer")
    builders.assign(rnd, member, submitted, ministry)
    return member.user


def get(client_for, user, url):
    client = client_for(user)
    return client.get(url)


def targets_url(plan):
    return reverse("indicators:plan_targets", args=[plan.pk])


# --- The plan's targets page ----------------------------------------------------------------


def test_targets_page_school_staff_and_ministry_see_it_live(
    draft, coordinator, principal, ministry, client_for
):
    for user in (coordinator, principal, ministry):
        response = get(client_for, user, targets_url(draft))
        assert response.status_code == 200
        assert SHARED in response.content.decode()


def test_targets_page_shared_indicator_shown_under_each_item_perf5(draft, coordinator, client_for):
    html = get(client_for, coordinator, targets_url(draft)).content.decode()
    indicator = ministry_indicator(draft, SHARED)
    assert f'id="indicator-{indicator.pk}-2"' in html
    assert f'id="indicator-{indicator.pk}-7"' in html


def test_targets_page_other_school_gets_404(draft, other_coordinator, client_for):
    assert get(client_for, other_coordinator, targets_url(draft)).status_code == 404


def test_targets_page_anonymous_sent_to_log_in(draft, client):
    response = client.get(targets_url(draft))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_targets_page_assigned_reviewer_reads_the_submitted_version(
    submitted, assigned_reviewer, client_for
):
    response = get(client_for, assigned_reviewer, targets_url(submitted))
    assert response.status_code == 200
    assert "v1" not in response.context["data"]  # a plain snapshot
    assert response.context["shown_version"].plan_version.number == 1
    assert response.context["live"] is False
    frozen = reverse("indicators:frozen_targets", args=[submitted.pk, 1])
    assert get(client_for, assigned_reviewer, frozen).status_code == 200


def test_targets_page_unassigned_reviewer_gets_404(submitted, committee_member, client_for):
    assert get(client_for, committee_member, targets_url(submitted)).status_code == 404
    frozen = reverse("indicators:frozen_targets", args=[submitted.pk, 1])
    assert get(client_for, committee_member, frozen).status_code == 404


def test_targets_page_inspector_only_once_supported(submitted, inspector, client_for, ministry):
    assert get(client_for, inspector, targets_url(submitted)).status_code == 404
    plan_services.plan_review_start(plan=submitted, by=ministry)
    plan_services.plan_decide(plan=submitted, approve=True, by=ministry)
    assert get(client_for, inspector, targets_url(submitted)).status_code == 200


def test_targets_page_inspector_of_another_county_gets_404(approved, client_for):
    from tests.factories import CountyFactory

    county = CountyFactory(code="kaohsiung")
    assert county != approved.school.county
    other = grant(UserFactory(username="other-inspector"), "inspector", county=county)
    assert get(client_for, other, targets_url(approved)).status_code == 404


def test_targets_page_advisor_of_the_school_only(approved, advisor, ministry, client_for):
    from consulting.models import AdvisoryAssignment

    assert get(client_for, advisor, targets_url(approved)).status_code == 404
    from portal.programme import calendar

    # The school's advisory group of the year under way (consulting decides who is in it).
    AdvisoryAssignment.objects.create(
        academic_year=calendar.AcademicYear.current().roc,
        school=approved.school,
        advisor=advisor,
        assigned_by=ministry,
    )
    response = get(client_for, advisor, targets_url(approved))
    assert response.status_code == 200
    assert response.context["base_template"] == "indicators/targets/_standalone.html"


def test_targets_page_panel_member_assigned_and_supported(
    submitted, panel_member, client_for, ministry
):
    """A panel member reads the targets of a supported school assigned to them, not of every
    supported school (issue 7, point 8)."""
    from assessment.models import Assignment, Panel, PanelMember

    assert get(client_for, panel_member, targets_url(submitted)).status_code == 404
    plan_services.plan_review_start(plan=submitted, by=ministry)
    plan_services.plan_decide(plan=submitted, approve=True, by=ministry)
    assert get(client_for, panel_member, targets_url(submitted)).status_code == 404
    panel = Panel.objects.create(
        academic_year=submitted.phase.start_year, name="績效考核小組", created_by=ministry
    )
    member = PanelMember.objects.create(panel=panel, user=panel_member, added_by=ministry)
    Assignment.objects.create(
        panel=panel, member=member, plan=submitted, school=submitted.school, assigned_by=ministry
    )
    assert get(client_for, panel_member, targets_url(submitted)).status_code == 200


# --- Editing pages --------------------------------------------------------------------------


def edit_urls(plan):
    indicator = ministry_indicator(plan, SHARED)
    return [
        reverse("indicators:target_edit", args=[plan.pk, indicator.pk]),
        reverse("indicators:own_add", args=[plan.pk]),
        reverse("indicators:qualitative_edit", args=[plan.pk, 7]),
    ]


def test_edit_pages_coordinator_only(draft, coordinator, principal, ministry, client_for):
    for url in edit_urls(draft):
        assert get(client_for, coordinator, url).status_code == 200, url
        assert get(client_for, principal, url).status_code == 403, url
        assert get(client_for, ministry, url).status_code == 403, url


def test_edit_pages_other_school_gets_404(draft, other_coordinator, client_for):
    for url in edit_urls(draft):
        assert get(client_for, other_coordinator, url).status_code == 404, url


def test_qualitative_item_not_covered_gets_404(draft, coordinator, client_for):
    url = reverse("indicators:qualitative_edit", args=[draft.pk, 9])
    assert get(client_for, coordinator, url).status_code == 404


def test_target_edit_post_saves_once_for_a_shared_indicator(draft, coordinator, client_for):
    indicator = ministry_indicator(draft, SHARED)
    url = reverse("indicators:target_edit", args=[draft.pk, indicator.pk])
    response = client_for(coordinator).post(
        url,
        {"baseline": "4", "target_116": "5", "target_117": "6", "target_118": "7"},
    )
    assert response.status_code == 302
    row = PlanIndicator.objects.get(plan=draft, indicator=indicator)
    assert [str(t.value) for t in row.targets.order_by("academic_year")] == [
        "5.0000",
        "6.0000",
        "7.0000",
    ]


def test_target_edit_bad_input_kept_with_message(draft, coordinator, client_for):
    indicator = ministry_indicator(draft, "學生休學及輔導轉學比率")
    url = reverse("indicators:target_edit", args=[draft.pk, indicator.pk])
    client = client_for(coordinator)
    client.cookies["django_language"] = "zh-hant"
    response = client.post(url, {"baseline": "120", "target_116": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="120"' in html and 'value="abc"' in html
    assert "請輸入數字" in html or "Enter a number" in html
    assert not PlanIndicator.objects.filter(plan=draft).exists()


def test_target_edit_refused_on_a_submitted_plan(submitted, coordinator, client_for):
    indicator = ministry_indicator(submitted, SHARED)
    url = reverse("indicators:target_edit", args=[submitted.pk, indicator.pk])
    response = client_for(coordinator).post(url, {"baseline": "1"})
    assert response.status_code == 302
    assert response["Location"] == targets_url(submitted)


# --- Catalogue pages ------------------------------------------------------------------------


def test_catalogue_pages_any_signed_in_user(coordinator, committee_member, client_for):
    for user in (coordinator, committee_member):
        for name in ("catalogue", "compare"):
            assert get(client_for, user, reverse(f"indicators:{name}")).status_code == 200


def test_catalogue_anonymous_sent_to_log_in(client):
    assert client.get(reverse("indicators:catalogue")).status_code == 302


def test_catalogue_management_ministry_only(ministry, coordinator, client_for):
    from indicators.models import CatalogueVersion

    seeded = CatalogueVersion.objects.get(start_year=103)
    draft = version_create(source=seeded, start_year=119, label="第六期程", by=ministry)
    indicator = draft.indicators.first()
    urls = [
        reverse("indicators:versions"),
        reverse("indicators:version_edit", args=[draft.pk]),
        reverse("indicators:indicator_add", args=[draft.pk]),
        reverse("indicators:indicator_edit", args=[draft.pk, indicator.pk]),
    ]
    for url in urls:
        assert get(client_for, ministry, url).status_code == 200, url
        assert get(client_for, coordinator, url).status_code == 403, url
    for url in (
        reverse("indicators:version_publish", args=[draft.pk]),
        reverse("indicators:indicator_retire", args=[draft.pk, indicator.pk]),
    ):
        assert client_for(coordinator).post(url).status_code == 403
    # A draft version is not shown to schools.
    response = get(
        client_for, coordinator, reverse("indicators:catalogue") + f"?version={draft.pk}"
    )
    assert response.context["version"] != draft


def test_catalogue_search_and_shared_marks(coordinator, client_for):
    response = get(client_for, coordinator, reverse("indicators:catalogue") + "?q=合作學習")
    assert response.context["found"] == 2
    html = response.content.decode()
    assert html.count("導入合作學習策略班級數") == 4  # under items 2, 3, 7 and 8


# --- Query counts at two sizes --------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_targets_page_query_count(
    count, school, coordinator, client_for, django_assert_num_queries
):
    plan = draft_plan(school, coordinator, items=(1, 2, 7)[:count])
    client = client_for(coordinator)
    client.get(targets_url(plan))
    with django_assert_num_queries(TARGETS_PAGE_QUERIES):
        assert client.get(targets_url(plan)).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_versions_page_query_count(count, ministry, client_for, django_assert_num_queries):
    from indicators.models import CatalogueVersion

    source = CatalogueVersion.objects.get(start_year=103)
    for n in range(count):
        source = version_create(source=source, start_year=119 + 3 * n, label=f"v{n}", by=ministry)
    client = client_for(ministry)
    for name in ("versions", "catalogue", "compare"):
        client.get(reverse(f"indicators:{name}"))
        with django_assert_num_queries(CATALOGUE_QUERIES[name]):
            assert client.get(reverse(f"indicators:{name}")).status_code == 200


TARGETS_PAGE_QUERIES = 13
CATALOGUE_QUERIES = {"versions": 6, "catalogue": 10, "compare": 9}


def test_plan_uses_its_phase_catalogue(draft):
    assert catalogue_for_plan(draft).start_year == 103


def test_ministry_revises_a_copy_through_the_pages_ind4(ministry, client_for):
    from indicators.models import CatalogueVersion, Indicator

    client = client_for(ministry)
    seeded = CatalogueVersion.objects.get(start_year=103)
    response = client.post(
        reverse("indicators:versions"),
        {"source": seeded.pk, "start_year": "119", "label": "第六期程指標", "note": ""},
    )
    draft = CatalogueVersion.objects.get(start_year=119)
    assert response["Location"] == reverse("indicators:version_edit", args=[draft.pk])
    response = client.post(
        reverse("indicators:indicator_add", args=[draft.pk]),
        {
            "name": "學生參加國際技能競賽人數",
            "kind": "count",
            "unit": "人",
            "decimal_places": "0",
            "scale": "1",
            "definition": "學年度內參加國際技能競賽之學生人數。",
            "direction": "higher",
            "items": ["4", "9"],
        },
    )
    assert response.status_code == 302
    added = Indicator.objects.get(version=draft, name="學生參加國際技能競賽人數")
    assert sorted(added.item_links.values_list("item", flat=True)) == [4, 9]
    client.post(reverse("indicators:version_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_published
    # Published: the edit page refuses and sends back.
    response = client.get(reverse("indicators:indicator_edit", args=[draft.pk, added.pk]))
    assert response["Location"] == reverse("indicators:version_edit", args=[draft.pk])


def test_version_create_refusal_kept_on_the_form(ministry, client_for):
    from indicators.models import CatalogueVersion

    client = client_for(ministry)
    client.cookies["django_language"] = "zh-hant"
    seeded = CatalogueVersion.objects.get(start_year=103)
    response = client.post(
        reverse("indicators:versions"),
        {"source": seeded.pk, "start_year": "110", "label": "太早的版本", "note": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "新版本僅適用於尚未開始的期程" in html
    assert 'value="太早的版本"' in html
    assert CatalogueVersion.objects.count() == 1


def test_home_task_until_the_targets_are_set_ind3(draft, coordinator, principal, client_for):
    from indicators.demo import fill_plan_targets

    client = client_for(coordinator)
    client.cookies["django_language"] = "zh-hant"
    html = client.get(reverse("home")).content.decode()
    assert "設定「" in html and targets_url(draft) in html
    assert targets_url(draft) not in client_for(principal).get(reverse("home")).content.decode()
    fill_plan_targets(draft, coordinator)
    client = client_for(coordinator)
    assert targets_url(draft) not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_pages_show_no_rule_ids(language, draft, coordinator, client_for):
    client = client_for(coordinator)
    client.cookies["django_language"] = language
    indicator = ministry_indicator(draft, SHARED)
    for url in [
        targets_url(draft),
        reverse("indicators:target_edit", args=[draft.pk, indicator.pk]),
        reverse("applications:checklist", args=[draft.pk]),
        reverse("indicators:catalogue"),
    ]:
        html = client.get(url).content.decode()
        for code in ("IND-", "PERF-"):
            assert code not in html, (url, code)


def test_submitted_version_page_shows_its_frozen_targets_ind3(
    submitted, assigned_reviewer, client_for
):
    url = reverse("applications:version_detail", args=[submitted.pk, 1])
    response = get(client_for, assigned_reviewer, url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="version-targets"' in html
    assert SHARED in html and "學生淨流失率" in html  # item 7's indicators
