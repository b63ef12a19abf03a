"""Who sees what: an advisor only their schools' consultations, a school only its own, an
inspector only their county's supported schools (SUP-1), anonymous users only the public
programme pages (SUP-9), which never show anything private. Homes, menus and list pages."""

import datetime as dt

import pytest

from consulting import services
from consulting.enums import ExchangeKind
from portal.documents.models import GeneratedDocument
from portal.programme import calendar
from tests.consulting import builders
from tests.factories import CountyFactory, SchoolFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(assigned, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return builders.held(assigned.advisor, school, advice=1, file=True)


# --- Advisors -----------------------------------------------------------------------------


def test_advisor_sees_their_schools_only(assigned, school, other_school, other_plan, client_for):
    client = client_for(assigned.advisor)
    assert client.get(f"/consulting/schools/{school.code}/").status_code == 200
    assert client.get(f"/consulting/schools/{other_school.code}/").status_code == 404
    assert client.get(f"/consulting/schools/{other_school.code}/schedule/").status_code == 404


def test_advisor_never_sees_another_advisors_consultation(
    filed, ministry, other_school, other_plan, client_for
):
    stranger = builders.advisor_user("stranger", ministry)
    client = client_for(stranger)
    assert client.get(filed.get_absolute_url()).status_code == 404
    assert client.get(f"/consulting/consultations/{filed.pk}/record/").status_code == 404


def test_a_second_advisor_of_the_group_sees_but_cannot_record(
    assigned, school, ministry, client_for
):
    consultation = services.consultation_schedule(
        school=school,
        by=assigned.advisor,
        date=calendar.taipei_today(),
        mode="on_site",
        place="x",
    )
    colleague = builders.advisor_user("colleague", ministry)
    builders.assign(colleague, school, ministry)
    client = client_for(colleague)
    assert client.get(consultation.get_absolute_url()).status_code == 200
    assert client.get(f"/consulting/consultations/{consultation.pk}/record/").status_code == 403


def test_advisor_records_and_files_through_the_pages(assigned, school, client_for):
    client = client_for(assigned.advisor)
    response = client.post(
        f"/consulting/schools/{school.code}/schedule/",
        {"date": "115/11/16", "mode": "on_site", "place": "會議室"},
    )
    consultation = school.consultations.get()
    assert response.url == consultation.get_absolute_url()
    response = client.post(
        f"/consulting/consultations/{consultation.pk}/record/",
        {
            "date": "115/11/16",
            "mode": "on_site",
            "place": "會議室",
            "attendees": "校長",
            "principal_attended": "on",
            "items": ["7"],
            "summary": "良好",
        },
    )
    assert response.status_code == 302
    client.post(
        f"/consulting/consultations/{consultation.pk}/advice/",
        {"item": "7", "finding": "追蹤不足", "text": "建立追蹤表"},
    )
    client.post(f"/consulting/consultations/{consultation.pk}/file/")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.advice.count(), consultation.principal_attended) == (
        "filed",
        1,
        True,
    )


def test_schedule_bad_date_keeps_what_was_typed(assigned, school, client_for):
    response = client_for(assigned.advisor).post(
        f"/consulting/schools/{school.code}/schedule/",
        {"date": "2026/99/99", "mode": "on_site", "place": "大禮堂"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert ("2026/99/99" in page, "大禮堂" in page, school.consultations.count()) == (
        True,
        True,
        0,
    )


# --- Schools ------------------------------------------------------------------------------


def test_school_sees_its_own_consultations_only(
    filed, school, coordinator, other_school, client_for
):
    assert client_for(coordinator).get(filed.get_absolute_url()).status_code == 200
    stranger = grant(UserFactory(), "coordinator", school=other_school)
    client = client_for(stranger)
    assert client.get(filed.get_absolute_url()).status_code == 404
    assert client.get(f"/consulting/schools/{school.code}/").status_code == 404


def test_note1_note2_school_page_shows_cooperation_and_designated_teachers(
    plan, school, coordinator, client_for
):
    response = client_for(coordinator).get(f"/consulting/schools/{school.code}/")
    staffing = response.context["staffing"]
    assert (
        staffing["cooperation"],
        [(t.name, t.weekly_reduction) for t in staffing["teachers"]],
    ) == ([("建教合作", "建教合作 6 家")], [("陳老師", 4)])


def test_note1_note2_school_profile_shows_cooperation_and_designated_teachers(
    plan, school, coordinator, client_for
):
    """The school's own profile page (schools:detail) carries the same section, contributed
    through the core's registry."""
    response = client_for(coordinator).get(f"/schools/{school.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert ("建教合作 6 家" in body, "陳老師" in body, 'id="designated-teachers"' in body) == (
        True,
        True,
        True,
    )


def test_school_answers_advice_on_the_page(filed, coordinator, client_for):
    advice = filed.advice.get()
    unsafe = client_for(coordinator).post(
        f"/consulting/advice/{advice.pk}/answer/",
        {"text": "處理中", "status": "in_progress", "next": "//evil.example.com/"},
    )
    assert unsafe.url == filed.get_absolute_url()
    response = client_for(coordinator).post(
        f"/consulting/advice/{advice.pk}/answer/", {"text": "已建立追蹤表", "status": "done"}
    )
    advice.refresh_from_db()
    assert (response.status_code, advice.status, advice.answer) == (302, "done", "已建立追蹤表")


def test_report_pdf_for_the_school_not_for_another(filed, coordinator, other_school, client_for):
    document = GeneratedDocument.objects.get(kind="consulting_report", target_id=filed.pk)
    response = client_for(coordinator).get(f"/documents/{document.pk}/download/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    stranger = grant(UserFactory(), "coordinator", school=other_school)
    assert client_for(stranger).get(f"/documents/{document.pk}/download/").status_code == 404


def test_pdf_embeds_the_chinese_font(filed):
    from pypdf import PdfReader

    document = GeneratedDocument.objects.get(kind="consulting_report", target_id=filed.pk)
    reader = PdfReader(document.file.open("rb"))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()]
    }
    text = reader.pages[0].extract_text()
    assert any("Noto" in f for f in fonts), fonts
    assert ("諮詢報告" in text, filed.school.name in text) == (True, True)


@pytest.mark.parametrize("role", ["coordinator", "advisor", "inspector"])
def test_boards_are_for_the_ministry(request, role, plan, client_for):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for url in (
        "/consulting/board/",
        "/consulting/exchanges/board/",
        "/consulting/advisors/",
        "/consulting/group/",
    ):
        assert client.get(url).status_code == 403


# --- Inspectors (SUP-1) -------------------------------------------------------------------


@pytest.fixture
def inspection(inspector, school, plan):
    return services.inspection_record(
        school=school,
        visited_on=calendar.taipei_today(),
        checked="經費執行",
        assessment="",
        problems=["設備採購落後"],
        by=inspector,
    )


def test_sup1_inspector_sees_only_their_countys_schools(inspection, school, client_for):
    far = grant(UserFactory(), "inspector", county=CountyFactory(code="kaohsiung"))
    client = client_for(far)
    assert client.get(inspection.get_absolute_url()).status_code == 404
    response = client.get("/consulting/inspections/new/")
    assert school not in response.context["form"].fields["school"].queryset


def test_sup1_inspector_escalates_and_the_ministry_sees_it(
    inspection, inspector, ministry, client_for
):
    problem = inspection.problems.get()
    client_for(inspector).post(f"/consulting/problems/{problem.pk}/escalate/", {"note": "需部協助"})
    response = client_for(ministry).get("/consulting/inspections/")
    assert [p.pk for p in response.context["problems"]] == [problem.pk]


def test_sup1_school_responds_to_its_problem_but_cannot_resolve(
    inspection, coordinator, client_for
):
    problem = inspection.problems.get()
    client = client_for(coordinator)
    client.post(f"/consulting/problems/{problem.pk}/respond/", {"text": "已改善"})
    problem.refresh_from_db()
    assert problem.status == "responded"
    assert client.post(f"/consulting/problems/{problem.pk}/resolve/").status_code == 403


# --- Anonymous users and the public pages (SUP-9) ----------------------------------------


def test_sup9_anonymous_users_reach_only_public_pages(filed, school, client):
    for url in (
        "/consulting/board/",
        f"/consulting/schools/{school.code}/",
        filed.get_absolute_url(),
        "/consulting/exchanges/",
    ):
        response = client.get(url)
        assert (response.status_code, response.url.startswith("/accounts/login/")) == (302, True)
    assert client.get("/public/programme/").status_code == 200
    assert client.get(f"/public/programme/{school.code}/").status_code == 200


def test_sup9_public_page_only_for_supported_schools(client):
    assert client.get(f"/public/programme/{SchoolFactory().code}/").status_code == 404


def test_sup9_note1_public_page_shows_nothing_private(filed, school, inspector, ministry, client):
    """SUP-9, NOTE-1, NOTE-2: items, goals, approved totals, cooperation programmes,
    designated staff's duties, exchanges and published results; never budget
    lines, reviews, reviewers' or advisors' names, consulting reports or inspection problems."""
    from applications.models import BudgetLine

    services.inspection_record(
        school=school,
        visited_on=calendar.taipei_today(),
        checked="經費",
        assessment="",
        problems=["採購程序瑕疵"],
        by=inspector,
    )
    coordinator = grant(UserFactory(), "coordinator", school=school)
    services.result_publish(
        school=school,
        academic_year=115,
        title="學習扶助成果",
        body="參與學生 300 人",
        link="",
        by=coordinator,
    )
    page = client.get(f"/public/programme/{school.code}/").content.decode()
    for public in (
        "項目7子計畫",
        '<td class="num">1500</td>',  # thousands of NT$, no trailing zeros
        "學習扶助成果",
        "建教合作",
        "實習組長",
        "深化學習品質",
    ):
        assert public in page, public
    private = [
        filed.advisor.display_name,
        filed.summary,
        filed.advice.get().text,
        "採購程序瑕疵",
        "陳老師",
        "諮詢報告",
        "/documents/",
    ]
    assert [p for p in private if p in page] == []
    assert BudgetLine.objects.count() == 0 or "budget" not in page


def test_sup9_public_index_by_region(plan, school, client):
    response = client.get("/public/programme/")
    assert [(d.name, [s.code for s in schools]) for d, schools in response.context["regions"]] == [
        (school.district.name, [school.code])
    ]


def test_sup9_public_photo_only_when_public(ministry, school, plan, other_plan, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.uploads import PNG as png

    exchange = services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="交流",
        date=calendar.taipei_today(),
        place="x",
        hosts=[school, other_plan.school],
        by=ministry,
    )
    hidden = services.exchange_photo_add(
        exchange=exchange,
        upload=SimpleUploadedFile("a.png", png, "image/png"),
        caption="內部",
        is_public=False,
        by=ministry,
    )
    shown = services.exchange_photo_add(
        exchange=exchange,
        upload=SimpleUploadedFile("b.png", png, "image/png"),
        caption="公開",
        is_public=True,
        by=ministry,
    )
    assert client.get(f"/public/programme/photos/{hidden.pk}/").status_code == 404
    assert client.get(f"/public/programme/photos/{shown.pk}/").status_code == 200


# --- Homes and menus ----------------------------------------------------------------------


def test_advisor_home_lists_schools_next_consultations_and_reports_due(
    assigned, school, client_for
):
    builders.held(assigned.advisor, school, advice=0)
    services.consultation_schedule(
        school=school,
        by=assigned.advisor,
        date=calendar.taipei_today() + dt.timedelta(days=3),
        mode="on_site",
        place="x",
    )
    sections = client_for(assigned.advisor).get("/").context["sections"]
    section = next(s for s in sections if s.role == "consulting-advisor")
    assert (
        [r.school.code for r in section.context["rows"]],
        len(section.context["upcoming"]),
        len(section.context["reports_due"]),
    ) == ([school.code], 1, 1)


def test_inspector_home_lists_open_problems(inspection, inspector, client_for):
    sections = client_for(inspector).get("/").context["sections"]
    section = next(s for s in sections if s.role == "consulting-inspector")
    assert [p.description for p in section.context["problems"]] == ["設備採購落後"]


def test_ministry_menu_and_home_link_the_boards(ministry, plan, client_for):
    response = client_for(ministry).get("/")
    page = response.content.decode()
    assert ("/consulting/board/" in page, "/consulting/exchanges/board/" in page) == (True, True)
    section = next(s for s in response.context["sections"] if s.role == "consulting-ministry")
    assert section.context["summary"] == {"schools": 1, "behind": 1}


def test_homes_add_nothing_when_there_is_nothing_to_follow(ministry, advisor, client_for):
    for user in (ministry, advisor):
        roles = [s.role for s in client_for(user).get("/").context["sections"]]
        assert [r for r in roles if r.startswith("consulting")] == []


# --- List pages: query counts at two sizes ------------------------------------------------


@pytest.mark.parametrize("size", [1, 3])
def test_exchange_list_query_count(size, ministry, client_for, django_assert_num_queries):
    schools = [builders.supported_school(ministry) for _ in range(2)]
    for _ in range(size):
        services.exchange_create(
            kind=ExchangeKind.INTER_SCHOOL,
            title="交流",
            date=calendar.taipei_today(),
            place="x",
            hosts=schools,
            by=ministry,
        )
    client = client_for(ministry)
    client.get("/consulting/exchanges/")
    with django_assert_num_queries(5):
        response = client.get("/consulting/exchanges/")
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [1, 3])
def test_inspection_list_query_count(size, ministry, client_for, django_assert_num_queries):
    inspector = grant(UserFactory(username="insp"), "inspector", county=CountyFactory())
    for _ in range(size):
        school = builders.supported_school(ministry)
        services.inspection_record(
            school=school,
            visited_on=calendar.taipei_today(),
            checked="x",
            assessment="",
            problems=["問題"],
            by=inspector,
        )
    client = client_for(inspector)
    client.get("/consulting/inspections/")
    with django_assert_num_queries(8):
        response = client.get("/consulting/inspections/")
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [1, 3])
def test_request_list_and_talent_database_query_count(
    size, ministry, client_for, django_assert_num_queries
):
    for n in range(size):
        school = builders.supported_school(ministry)
        staff = grant(UserFactory(), "coordinator", school=school)
        services.request_create(school=school, topic="題", items=[7], details="x", by=staff)
        builders.advisor_user(f"adv{n}", ministry)
    client = client_for(ministry)
    client.get("/consulting/requests/")
    with django_assert_num_queries(5):
        assert len(client.get("/consulting/requests/").context["page"].object_list) == size
    with django_assert_num_queries(7):
        assert len(client.get("/consulting/advisors/").context["page"].object_list) == size


def test_sup3_last_years_advisor_no_longer_sees_the_school(assigned, school, ministry, client_for):
    from consulting.models import AdvisoryAssignment

    AdvisoryAssignment.objects.filter(pk=assigned.pk).update(academic_year=114)
    assert client_for(assigned.advisor).get(f"/consulting/schools/{school.code}/").status_code == (
        404
    )


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("coordinator", "/consulting/advisors/new/"),
        ("advisor", "/consulting/advisors/new/"),
        ("ministry", "/consulting/inspections/new/"),
        ("coordinator", "/consulting/inspections/new/"),
        ("coordinator", "/consulting/inspections/"),
        ("coordinator", "/consulting/mine/"),
        ("inspector", "/consulting/mine/"),
        ("coordinator", "/consulting/exchanges/new/"),  # a school not supported
        ("inspector", "/consulting/requests/"),
    ],
)
def test_wrong_role_refused(request, role, url, client_for):
    assert client_for(request.getfixturevalue(role)).get(url).status_code == 403


def test_assignment_actions_only_for_the_ministry(assigned, coordinator, client_for):
    client = client_for(coordinator)
    assert client.post(f"/consulting/group/{assigned.pk}/remove/").status_code == 403
    assert client.post("/consulting/group/apply/", {"year": "115"}).status_code == 403


def test_school_timeline_shows_its_consultations(filed, school, ministry, client_for):
    """The assessment's school timeline puts the school's consulting beside its plans and
    assessments (issue 8, point 6): the filed consultation, linked for ministry staff."""
    response = client_for(ministry).get(f"/assessment/schools/{school.code}/")
    assert response.status_code == 200
    others = [e for e in response.context["entries"] if e["kind"] == "other"]
    assert [(e["year"], e["url"]) for e in others] == [
        (filed.academic_year, filed.get_absolute_url())
    ]
    assert f'href="{filed.get_absolute_url()}"' in response.content.decode()
