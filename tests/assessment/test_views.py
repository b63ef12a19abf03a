"""The assessment's pages: who may see what (a school never sees a member's rating; a panel
member only their schools), the autosave, and the board's query count at two sizes."""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.enums import Decision
from tests.assessment.builders import (
    YEAR,
    approved_plan,
    due,
    ready_for_outcome,
    started_report,
    submitted_report,
)
from tests.factories import UserFactory, evaluated_school, grant

OPINION = "個人意見：經費執行偏慢"
CONSOLIDATED = "綜合意見：整體執行良好"


@pytest.fixture
def world(plan, coordinator, principal, ministry, panel_member):
    report = submitted_report(plan, coordinator, principal)
    panel = services.panel_create(
        academic_year=YEAR, name="考評小組", levels=["優", "甲"], by=ministry
    )
    member = services.member_add(panel=panel, user=panel_member, by=ministry)
    assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="會議室",
        by=ministry,
    )
    services.visit_record(
        visit=visit,
        minutes="聽取簡報、檢視佐證資料。",
        school_attendees="校長、承辦人",
        members_present=[member],
        by=panel_member,
    )
    services.finding_save(assignment=assignment, item=7, text="社群運作良好", by=panel_member)
    services.rating_save(
        assignment=assignment, rating=panel.levels.get(label="甲"), opinion=OPINION, by=panel_member
    )
    recommendation = services.recommendation_add(
        assignment=assignment, item=7, text="擴大社群參與", by=panel_member
    )
    outcome = services.outcome_decide(
        plan=plan,
        academic_year=YEAR,
        decision=Decision.CONDITIONS,
        opinion=CONSOLIDATED,
        conditions=[("補正經費說明", due())],
        by=ministry,
    )
    return {
        "plan": plan,
        "report": report,
        "panel": panel,
        "member": member,
        "assignment": assignment,
        "visit": visit,
        "outcome": outcome,
        "recommendation": recommendation,
    }


PAGES = {
    # name: (url args from world, users allowed)
    "home": (lambda w: [], ["coordinator", "principal", "panel_member"]),
    "report_detail": (lambda w: [w["report"].pk], ["coordinator", "ministry", "panel_member"]),
    "version_detail": (lambda w: [w["report"].pk, 1], ["coordinator", "ministry"]),
    "board": (lambda w: [], ["ministry"]),
    "panel_list": (lambda w: [], ["ministry"]),
    "panel_detail": (lambda w: [w["panel"].pk], ["ministry"]),
    "assignment": (lambda w: [w["assignment"].pk], ["panel_member"]),
    "visit_record": (lambda w: [w["visit"].pk], ["ministry", "panel_member"]),
    "outcome_detail": (lambda w: [w["outcome"].pk], ["coordinator", "ministry"]),
    "settings": (lambda w: [], ["ministry"]),
    "timeline": (lambda w: [w["plan"].school.code], ["coordinator", "ministry"]),
    "nominations": (lambda w: [], ["coordinator", "ministry"]),
    "member_conflicts": (lambda w: [w["member"].pk], ["ministry", "panel_member"]),
}


@pytest.fixture
def users(coordinator, principal, ministry, panel_member, other_school):
    return {
        "coordinator": coordinator,
        "principal": principal,
        "ministry": ministry,
        "panel_member": panel_member,
        "other_coordinator": grant(
            UserFactory(username="other-coordinator"), "coordinator", school=other_school
        ),
        "other_panel": grant(UserFactory(username="other-panel"), "panel"),
    }


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_for_the_right_roles(name, world, users, client_for):
    args, allowed = PAGES[name]
    url = reverse(f"assessment:{name}", args=args(world))
    for role in allowed:
        response = client_for(users[role]).get(url)
        assert response.status_code in (200, 302), (role, response.status_code)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("report_detail", "other_coordinator"),
        ("report_detail", "other_panel"),
        ("assignment", "other_panel"),
        ("assignment", "coordinator"),
        ("outcome_detail", "panel_member"),
        ("outcome_detail", "other_coordinator"),
        ("board", "coordinator"),
        ("board", "panel_member"),
        ("panel_detail", "panel_member"),
        ("settings", "principal"),
        ("timeline", "other_coordinator"),
        ("visit_record", "other_panel"),
        ("member_conflicts", "other_panel"),
        ("nominations", "other_panel"),
    ],
)
def test_page_refused_to_others(name, role, world, users, client_for):
    args, _allowed = PAGES[name]
    response = client_for(users[role]).get(reverse(f"assessment:{name}", args=args(world)))
    assert response.status_code in (403, 404)


def test_school_never_sees_a_members_rating(world, users, client_for):
    for name, args in (
        ("report_detail", [world["report"].pk]),
        ("outcome_detail", [world["outcome"].pk]),
        ("home", []),
    ):
        text = (
            client_for(users["coordinator"])
            .get(reverse(f"assessment:{name}", args=args))
            .content.decode()
        )
        assert OPINION not in text
        assert users["panel_member"].display_name not in text
    text = (
        client_for(users["coordinator"])
        .get(reverse("assessment:outcome_detail", args=[world["outcome"].pk]))
        .content.decode()
    )
    assert CONSOLIDATED in text
    assert "擴大社群參與" in text


def test_school_sees_the_notice_made_when_the_outcome_was_decided(world, users, client_for):
    """The outcome notice is the school's, though ministry staff's decision asked for it: the
    school's outcome page offers it (the newest copy only), and its download is allowed."""
    from portal.documents.models import GeneratedDocument

    notice = GeneratedDocument.objects.get(kind="assessment_outcome_notice")
    assert notice.requested_by.has_role("ministry")
    client = client_for(users["coordinator"])
    text = client.get(
        reverse("assessment:outcome_detail", args=[world["outcome"].pk])
    ).content.decode()
    assert f'id="document-{notice.pk}"' in text
    assert text.count('id="document-') == 1
    assert client.get(reverse("documents:detail", args=[notice.pk])).status_code == 200


def test_notice_pdf_context_has_no_member_rating(world):
    from assessment.reports import notice_context

    context = notice_context(world["outcome"])
    assert "assignments" not in context and "ratings" not in context
    assert [r.text for r in context["recommendations"]] == ["擴大社群參與"]


def test_ministry_sees_the_members_rating(world, users, client_for):
    text = (
        client_for(users["ministry"])
        .get(reverse("assessment:report_detail", args=[world["report"].pk]))
        .content.decode()
    )
    assert OPINION in text


def test_panel_member_lists_only_their_schools(world, users, client_for, ministry):
    other = evaluated_school(scores=["88"] * 8)
    other_plan = approved_plan(other, ministry, values=False)
    other_member = services.member_add(panel=world["panel"], user=users["other_panel"], by=ministry)
    services.assignment_add(panel=world["panel"], member=other_member, plan=other_plan, by=ministry)
    text = client_for(users["panel_member"]).get(reverse("assessment:home")).content.decode()
    assert world["plan"].school.name in text
    assert other.name not in text


def test_autosave_saves_a_part_and_refuses_a_stale_one(plan, coordinator, client_for):
    report = started_report(plan, coordinator)
    line = report.budget_executions.order_by("pk").first()
    url = reverse("assessment:report_part", args=[report.pk, "budget", line.pk])
    prefix = f"b{line.pk}"
    client = client_for(coordinator)
    response = client.post(
        url, {f"{prefix}-spent": "95", f"{prefix}-revision": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "95.00%" in response.content.decode()
    line.refresh_from_db()
    assert str(line.spent) == "95.000"
    stale = client.post(
        url, {f"{prefix}-spent": "90", f"{prefix}-revision": "0"}, HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 409
    line.refresh_from_db()
    assert str(line.spent) == "95.000"


def test_save_button_without_htmx_goes_back_to_the_editor(plan, coordinator, client_for):
    """A part saved by its Save button with scripts off lands on the editor, not a fragment."""
    report = started_report(plan, coordinator)
    line = report.budget_executions.order_by("pk").first()
    url = reverse("assessment:report_part", args=[report.pk, "budget", line.pk])
    prefix = f"b{line.pk}"
    response = client_for(coordinator).post(
        url, {f"{prefix}-spent": "95", f"{prefix}-revision": "0"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("assessment:report_edit", args=[report.pk])
    assert "已儲存" in response.content.decode()
    line.refresh_from_db()
    assert str(line.spent) == "95.000"


def test_autosave_by_principal_refused(plan, coordinator, principal, client_for):
    report = started_report(plan, coordinator)
    line = report.budget_executions.first()
    url = reverse("assessment:report_part", args=[report.pk, "budget", line.pk])
    assert client_for(principal).post(url, {f"b{line.pk}-spent": "1"}).status_code == 404


def test_report_edit_page_in_chinese(plan, coordinator, client_for):
    report = started_report(plan, coordinator)
    text = (
        client_for(coordinator)
        .get(reverse("assessment:report_edit", args=[report.pk]))
        .content.decode()
    )
    assert "學生違規人次比率" in text
    assert "ELIG-" not in text and "PERF-" not in text and "OVS-" not in text


def test_board_export_has_the_same_rows(world, users, client_for):
    from openpyxl import load_workbook

    response = client_for(users["ministry"]).get(
        reverse("assessment:board"), {"year": YEAR, "download": "xlsx"}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    assert rows[1][0] == world["plan"].school.code
    assert rows[1][11] == 96.67


def _board_world(n, ministry):
    from tests.assessment.builders import open_window

    open_window()
    for index in range(n):
        school = evaluated_school(scores=["85"] * 8)
        plan = approved_plan(school, ministry)
        c = grant(UserFactory(username=f"c{n}-{index}"), "coordinator", school=school)
        p = grant(UserFactory(username=f"p{n}-{index}"), "principal", school=school)
        ready_for_outcome(plan, c, p, ministry)
        services.outcome_decide(
            plan=plan,
            academic_year=YEAR,
            decision=Decision.CONDITIONS,
            conditions=[("補正", due())],
            by=ministry,
        )


def test_board_query_count_constant(ministry, client_for, django_assert_num_queries):
    """The board's queries do not grow with the schools: the same number at 1 and 3."""
    client = client_for(ministry)
    url = reverse("assessment:board")
    _board_world(1, ministry)
    client.get(url, {"year": YEAR})  # warm what is cached per process (content types)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url, {"year": YEAR})
    assert response.content.decode().count('class="board-row') == 1
    _board_world(2, ministry)
    with django_assert_num_queries(len(one)):
        response = client.get(url, {"year": YEAR})
    assert response.content.decode().count('class="board-row') == 3


def test_home_tasks_for_school_and_panel(plan, coordinator, principal, ministry, panel_member):
    from assessment.homes import home_sections

    report = started_report(plan, coordinator)
    tasks = [t.text for s in home_sections(coordinator) for t in s.tasks]
    assert tasks == ["撰寫 114 學年度成果報告書"]
    assert home_sections(principal) == []
    panel = services.panel_create(academic_year=YEAR, name="考評小組", levels=["優"], by=ministry)
    member = services.member_add(panel=panel, user=panel_member, by=ministry)
    services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    tasks = [t.url for s in home_sections(panel_member) for t in s.tasks]
    assert len(tasks) == 1 and "/assessment/assignments/" in tasks[0]
    assert report.school == plan.school


def test_member_declares_conflicts_from_home(ministry, panel_member, client_for, other_school):
    panel = services.panel_create(academic_year=YEAR, name="考評小組", levels=["優"], by=ministry)
    member = services.member_add(panel=panel, user=panel_member, by=ministry)
    client = client_for(panel_member)
    assert "申報利益迴避" in client.get(reverse("assessment:home")).content.decode()
    response = client.post(
        reverse("assessment:member_conflicts", args=[member.pk]),
        {"schools": [other_school.pk], "note": "曾任教"},
    )
    assert response.status_code == 302
    assert list(member.conflicts.all()) == [other_school]


def test_nominations_list_query_count_constant(
    school, coordinator, ministry, client_for, django_assert_num_queries
):
    from assessment.enums import NominationKind, NomineeRole

    def add(count):
        for index in range(count):
            services.nomination_add(
                school=school,
                academic_year=115,
                kind=NominationKind.COMMENDATION,
                nominee=f"教師{index}",
                nominee_role=NomineeRole.TEACHER,
                nominee_title="",
                reason="表現優異",
                by=coordinator,
            )

    client = client_for(ministry)
    url = reverse("assessment:nominations")
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).content.decode().count("表現優異") == 1
    add(2)
    with django_assert_num_queries(len(one)):
        assert client.get(url).content.decode().count("表現優異") == 3


def test_panel_page_query_count_constant(ministry, client_for, django_assert_num_queries):
    panel = services.panel_create(academic_year=YEAR, name="考評小組", levels=["優"], by=ministry)

    def add(count):
        for index in range(count):
            school = evaluated_school(scores=["85"] * 8)
            plan = approved_plan(school, ministry, values=False)
            user = grant(UserFactory(username=f"panel-{school.code}-{index}"), "panel")
            member = services.member_add(panel=panel, user=user, by=ministry)
            services.member_conflicts_set(member=member, schools=[], note="", by=ministry)
            services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
            services.visit_schedule(
                panel=panel,
                plan=plan,
                starts_at=timezone.now() + dt.timedelta(days=3),
                place="會議室",
                by=ministry,
            )

    client = client_for(ministry)
    url = reverse("assessment:panel_detail", args=[panel.pk])
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add(2)
    with django_assert_num_queries(len(one)):
        assert client.get(url).status_code == 200


def test_board_counts_schools_by_execution_rate_band():
    """The board's execution-rate chart counts schools per band (its figures do not grow
    with the number of schools; each school's own rate is on its row)."""
    from assessment.selectors import RATE_BANDS, rate_band_labels

    assert rate_band_labels() == [
        "100% 以上",
        "90% 至未滿 100%",
        "70% 至未滿 90%",
        "50% 至未滿 70%",
        "未滿 50%",
    ]
    assert len(RATE_BANDS) == 4  # and a band under the last
