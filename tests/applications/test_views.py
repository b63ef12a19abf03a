"""Authorisation on every page of applications/urls.py, and what the pages show.

Anonymous visitors are sent to log in; another school's staff and an unassigned committee
member get 404 on a plan (they do not learn it exists); a role with no business on a
ministry page gets 403; the right role gets the page. A page added to applications/urls.py
without a row here fails ``test_every_plan_page_is_in_the_table``.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, reverse
from django.utils.translation import override

from applications import services, urls
from applications.enums import PlanStatus
from applications.models import DesignatedTeacher, Plan
from portal.imports.models import ImportJob
from portal.schools.models import County
from tests.applications.builders import complete_plan, open_phase_now, plan_in, started_plan
from tests.applications.html import form_values, page_text
from tests.factories import UserFactory, evaluated_school, grant
from tests.uploads import PDF

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "coordinator",
    "principal",
    "ministry",
    "committee_member",  # not assigned to the plan
    "inspector",  # of the school's county; the plan is not approved
    "other_coordinator",
    "other_principal",
]
LOGGED_IN = ROLES[1:]
LOGIN = "login"


def expect(default, **by_role):
    return {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, default), **by_role}


VIEWERS = expect(404, coordinator=200, principal=200, ministry=200)
VIEWER_ACTION = expect(404, coordinator=302, principal=302, ministry=302)
# The school's coordinator edits; the principal and the ministry read only.
EDITOR_ACTION = expect(404, coordinator=302, principal=403, ministry=403)
MINISTRY_ACTION = expect(404, coordinator=403, principal=403, ministry=302)


def line_data(objects, prefix):
    line = objects["line"]
    return {
        f"{prefix}-sub_plan": str(line.sub_plan_id),
        f"{prefix}-academic_year": "116",
        f"{prefix}-expense_type": "business",
        f"{prefix}-name": "講座鐘點費",
        f"{prefix}-unit": "式",
        f"{prefix}-quantity": "1",
        f"{prefix}-unit_price": "1",
        f"{prefix}-subsidy": "1",
        f"{prefix}-fiscal_half": "second",
        f"{prefix}-revision": str(line.revision),
    }


# url name → (method, url kwargs, expected per role, POST data)
PAGES = {
    "plan_list": (
        "get",
        lambda o: {},
        expect(403, coordinator=200, principal=200, ministry=200, other_coordinator=200,
               other_principal=200),
        None,
    ),
    "plans_export": ("get", lambda o: {}, expect(403, ministry=200), None),
    "money_export": ("get", lambda o: {}, expect(403, ministry=200), None),
    "plan_start": (
        "get",
        lambda o: {"code": o["plan"].school.code},
        expect(404, coordinator=200, principal=403, ministry=403, inspector=403),
        None,
    ),
    "plan_detail": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "plan_read": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "checklist": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "plan_action": (
        "post",
        lambda o: {"pk": o["plan"].pk, "action": "return"},
        MINISTRY_ACTION,
        {"comment": "請補充。"},
    ),
    "section_edit": ("get", lambda o: {"pk": o["plan"].pk, "key": "goals"}, VIEWERS, None),
    "teachers": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "teacher_delete": (
        "post",
        lambda o: {"pk": o["plan"].pk, "teacher_pk": o["teacher"].pk},
        EDITOR_ACTION,
        {},
    ),
    "subplans": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "subplan_create": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "subplan_edit": (
        "get",
        lambda o: {"pk": o["plan"].pk, "subplan_pk": o["subplan"].pk},
        VIEWERS,
        None,
    ),
    "subplan_delete": (
        "post",
        lambda o: {"pk": o["plan"].pk, "subplan_pk": o["subplan"].pk},
        EDITOR_ACTION,
        {},
    ),
    "budget": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "budget_line_create": (
        "post",
        lambda o: {"pk": o["plan"].pk},
        EDITOR_ACTION,
        lambda o: line_data(o, "new116"),
    ),
    "budget_line": (
        "get",
        lambda o: {"pk": o["plan"].pk, "line_pk": o["line"].pk},
        VIEWERS,
        None,
    ),
    "budget_line_delete": (
        "post",
        lambda o: {"pk": o["plan"].pk, "line_pk": o["line"].pk},
        EDITOR_ACTION,
        {"revision": "0"},
    ),
    "budget_export": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "budget_import": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "budget_import_job": (
        "get",
        lambda o: {"pk": o["plan"].pk, "job_pk": o["import_job"].pk},
        VIEWERS,
        None,
    ),
    "attachments": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "attachment_download": (
        "get",
        lambda o: {"pk": o["plan"].pk, "attachment_pk": o["attachment"].pk},
        VIEWERS,
        None,
    ),
    "attachment_remove": (
        "post",
        lambda o: {"pk": o["plan"].pk, "attachment_pk": o["attachment"].pk},
        EDITOR_ACTION,
        {},
    ),
    "versions": ("get", lambda o: {"pk": o["plan"].pk}, VIEWERS, None),
    "version_detail": ("get", lambda o: {"pk": o["plan"].pk, "number": 1}, VIEWERS, None),
    "plan_pdf": ("post", lambda o: {"pk": o["plan"].pk}, VIEWER_ACTION, {}),
}  # fmt: skip


def plan_url_names():
    names = []
    for pattern in urls.urlpatterns:
        if isinstance(pattern, URLResolver):
            if pattern.urlconf_name is urls.plan_patterns:
                names += [p.name for p in pattern.url_patterns if isinstance(p, URLPattern)]
        else:
            names.append(pattern.name)
    return names


def test_every_plan_page_is_in_the_table():
    assert sorted(plan_url_names()) == sorted(PAGES)


@pytest.fixture
def objects(school, coordinator, principal, ministry, other_school):
    """A submitted plan with a designated teacher, an attachment and version 1."""
    plan = complete_plan(started_plan(school, coordinator), coordinator)
    teacher = services.teacher_save(
        plan=plan,
        teacher=DesignatedTeacher(name="陳老師", duties="計畫執行", weekly_reduction=2),
        by=coordinator,
    )
    attachment = services.attachment_add(
        plan=plan,
        upload=SimpleUploadedFile("附件.pdf", PDF),
        description="",
        by=coordinator,
    )
    services.plan_send_to_principal(plan=plan, by=coordinator)
    services.plan_principal_approve(plan=plan, by=principal)
    plan.refresh_from_db()
    return {
        "plan": plan,
        "teacher": teacher,
        "attachment": attachment,
        "subplan": plan.subplans.get(item=7),
        "line": plan.budget_lines.get(academic_year=116),
        "import_job": ImportJob.objects.create(
            kind="budget", file_name="預算.xlsx", uploaded_by=coordinator, target=plan
        ),
    }


def status_for(client, method, url, data):
    response = client.get(url) if method == "get" else client.post(url, data or {})
    if response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}":
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", list(PAGES))
def test_plan_page_authorisation(request, client, objects, name):
    """Every role on the page; each request in a savepoint rolled back, so that one role's
    POST does not change what the next one finds."""
    method, kwargs, expected, data = PAGES[name]
    url = reverse(f"applications:{name}", kwargs=kwargs(objects))
    if callable(data):
        data = data(objects)
    got = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        with transaction.atomic():
            got[role] = status_for(client, method, url, data)
            transaction.set_rollback(True)
    assert got == expected


def test_plan_action_unknown_action_404(objects, client_for, coordinator):
    url = reverse("applications:plan_action", args=[objects["plan"].pk, "approve_all"])
    assert client_for(coordinator).post(url).status_code == 404


def test_section_edit_unknown_section_404(objects, client_for, coordinator):
    url = reverse("applications:section_edit", args=[objects["plan"].pk, "budget"])
    assert client_for(coordinator).get(url).status_code == 404


def test_plan_pages_of_a_missing_plan_404(objects, client_for, ministry):
    url = reverse("applications:plan_detail", args=[objects["plan"].pk + 100])
    assert client_for(ministry).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("principal", 403), ("ministry", 403), ("other_coordinator", 404)],
)
def test_budget_line_edit_row_only_for_the_coordinator(
    request, school, coordinator, client_for, who, status
):
    from tests.applications.builders import add_line, add_subplan

    plan = started_plan(school, coordinator)
    line = add_line(plan, coordinator, add_subplan(plan, coordinator, 7), 116)
    if who == "other_coordinator":
        request.getfixturevalue("other_school")
    client = client_for(request.getfixturevalue(who))
    url = reverse("applications:budget_line", args=[plan.pk, line.pk])
    data = {f"line{line.pk}-{k}": v for k, v in {
        "sub_plan": line.sub_plan_id, "academic_year": 116, "expense_type": "business",
        "name": "講座", "unit": "式", "quantity": "2", "unit_price": "1", "subsidy": "2",
        "fiscal_half": "second", "revision": "0",
    }.items()}  # fmt: skip
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == status


# --- Inspectors see approved plans of their county (SUP-1) -------------------------------------


def test_inspector_sees_approved_plans_of_their_county_only(
    school, coordinator, principal, ministry, inspector, client_for
):
    plan = plan_in(
        PlanStatus.APPROVED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    kaohsiung = County.objects.get(code="kaohsiung")
    far = evaluated_school(scores=["88"] * 8, county=kaohsiung, district=kaohsiung.default_district)
    far_coordinator = grant(UserFactory(username="far-coordinator"), "coordinator", school=far)
    far_plan = services.plan_start(school=far, by=far_coordinator)
    Plan.objects.filter(pk=far_plan.pk).update(status=PlanStatus.APPROVED)
    client = client_for(inspector)
    assert client.get(reverse("applications:plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("applications:plan_read", args=[plan.pk])).status_code == 200
    assert client.get(reverse("applications:budget", args=[plan.pk])).status_code == 200
    assert client.get(reverse("applications:plan_detail", args=[far_plan.pk])).status_code == 404
    # Not the inspector's: the list of every application, the versions, editing.
    assert client.get(reverse("applications:plan_list")).status_code == 403
    assert client.get(reverse("applications:versions", args=[plan.pk])).status_code == 403


@pytest.mark.parametrize(
    "status", [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.UNDER_REVIEW, PlanStatus.REJECTED]
)
def test_inspector_does_not_see_plans_not_approved(
    school, coordinator, principal, ministry, inspector, client_for, status
):
    plan = plan_in(
        status, school=school, coordinator=coordinator, principal=principal, ministry=ministry
    )
    url = reverse("applications:plan_detail", args=[plan.pk])
    assert client_for(inspector).get(url).status_code == 404


# --- ELIG-1 on the start page -------------------------------------------------------------------


@pytest.fixture
def ineligible():
    school = evaluated_school(scores=["85", "79.99", "90", "88", "70", "85", "85", "85"])
    coordinator = grant(UserFactory(username="c-short"), "coordinator", school=school)
    open_phase_now()
    return school, coordinator


def test_plan_start_page_ineligible_school_shows_why_elig1(ineligible, client_for):
    school, coordinator = ineligible
    response = client_for(coordinator).get(reverse("applications:plan_start", args=[school.code]))
    assert response.status_code == 200
    text = page_text(response.content)
    assert "不符申請資格。" in text
    assert "下列項目未達 80 分： 2. 行政管理：79.99 5. 學務輔導：70.00" in text
    assert (
        "本校無法開始撰寫計畫：最近一次學校評鑑各項目成績均須達 80 分以上（參、辦理對象）。"
    ) in text
    assert "bi-pencil-square" not in response.content.decode()  # no start button


def test_plan_start_crafted_post_ineligible_refused_elig1(ineligible, client_for, settings):
    school, coordinator = ineligible
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("applications:plan_start", args=[school.code]))
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The school cannot apply: these items of its latest evaluation are under 80: "
        "2. 行政管理、5. 學務輔導 (參、辦理對象)."
    ]
    assert Plan.objects.count() == 0


def test_plan_start_page_eligible_school_starts_the_plan(school, coordinator, client_for):
    open_phase_now()
    client = client_for(coordinator)
    url = reverse("applications:plan_start", args=[school.code])
    assert "bi-pencil-square" in client.get(url).content.decode()  # the start button
    response = client.post(url)
    plan = Plan.objects.get(school=school)
    assert (response.status_code, response["Location"]) == (302, f"/plans/{plan.pk}/")


def test_plan_start_page_second_time_links_the_existing_plan(school, coordinator, client_for):
    plan = started_plan(school, coordinator)
    response = client_for(coordinator).get(reverse("applications:plan_start", args=[school.code]))
    assert f'href="/plans/{plan.pk}/"' in response.content.decode()
    assert Plan.objects.count() == 1


# --- What the pages show ------------------------------------------------------------------------


def test_plan_action_approve_through_the_page_submits(school, coordinator, principal, client_for):
    from tests.applications.builders import awaiting_plan

    plan = awaiting_plan(school, coordinator)
    client = client_for(principal)
    response = client.post(reverse("applications:plan_action", args=[plan.pk, "approve"]))
    assert (response.status_code, response["Location"]) == (302, f"/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert "已送出" in page_text(client.get(f"/plans/{plan.pk}/").content)


def test_plan_action_refused_shows_the_reason(school, coordinator, client_for, settings):
    plan = started_plan(school, coordinator)
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("applications:plan_action", args=[plan.pk, "send_to_principal"]))
    assert (response.status_code, response["Location"]) == (302, f"/plans/{plan.pk}/checklist/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The plan is not complete yet."
    ]


def test_section_page_submitted_plan_is_read_only(objects, client_for, coordinator):
    plan = objects["plan"]
    url = reverse("applications:section_edit", args=[plan.pk, "goals"])
    client = client_for(coordinator)
    page = client.get(url).content.decode()
    assert 'name="vision"' in page and "disabled" in page.split('name="vision"')[1][:200]
    response = client.post(url, {"revision": "1", "vision": "改", "goals": "改"})
    assert (response.status_code, response["Location"]) == (302, f"/plans/{plan.pk}/")
    assert plan.sections.get(key="goals").data["vision"] == "適性揚才、務實致用"


def test_budget_page_shows_totals_of_the_summary(objects, client_for, coordinator):
    response = client_for(coordinator).get(
        reverse("applications:budget", args=[objects["plan"].pk])
    )
    page = response.content.decode()
    assert '<td class="num" data-year-total="116">15.000</td>' in page
    assert '<td class="num" id="grand-total">45.000</td>' in page


def test_budget_page_cap_follows_setting_bud4(school, coordinator, client_for, settings):
    settings.PORTAL_BUDGET_OVERHEAD_CAP = "0.10"
    plan = started_plan(school, coordinator)
    client = client_for(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = page_text(client.get(reverse("applications:budget", args=[plan.pk])).content)
    assert "administrative overhead is at most 10% of 業務費." in text


def test_checklist_page_lists_each_rule(school, coordinator, client_for):
    plan = started_plan(school, coordinator)
    response = client_for(coordinator).get(reverse("applications:checklist", args=[plan.pk]))
    page = response.content.decode()
    assert page.count('data-ok="no"') == 8
    assert page.count('data-ok="yes"') == 2  # NOTE-2 and ELIG-1


def test_subplan_create_page_prefills_the_exchange_subplan_app6(school, coordinator, client_for):
    plan = started_plan(school, coordinator)
    url = reverse("applications:subplan_create", args=[plan.pk]) + "?exchange=1&item=4"
    values = form_values(client_for(coordinator).get(url).content)
    assert (values["item"], values["is_exchange"], values["title"]) == ("4", "on", "校際交流觀摩會")


def test_year_status_is_not_set_by_hand(school, coordinator, principal, ministry, client_for):
    """SCHED-3, PERF-6: the assessment's outcome sets a year's status; the plan page only
    shows it."""
    plan = plan_in(
        PlanStatus.APPROVED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    response = client_for(ministry).get(reverse("applications:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert b'name="status"' not in response.content
    assert client_for(ministry).post(f"/plans/{plan.pk}/years/", {}).status_code == 404


def test_plans_export_lists_the_plans(objects, client_for, ministry):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(ministry).get(reverse("applications:plans_export"))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    plan = objects["plan"]
    assert rows[0][:4] == ["期程", "學年度", "學校代碼", "學校名稱"]
    assert len(rows) == 2
    with override("zh-hant"):
        assert rows[1][:4] == [plan.phase.name, 116, plan.school.code, plan.school.name]
        assert (rows[1][9], rows[1][10], rows[1][11]) == ("已送出", 2, 1)
