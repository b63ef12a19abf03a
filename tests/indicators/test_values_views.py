"""The pages of yearly values: what each role sees and may do, values typed on the page with
refusals kept as typed, evidence checked by content and downloaded with permission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from indicators.enums import ReportStatus
from indicators.models import ValueEvidence, YearReport, YearValue
from indicators.values import services
from portal.imports.services import import_start
from tests.factories import UserFactory, grant
from tests.indicators.values_builders import (
    YEAR,
    open_window,
    plan_indicator,
    report_all,
    submitted_report,
    supported_plan,
)
from tests.uploads import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(school, coordinator):
    plan = supported_plan(school, coordinator)
    open_window()
    return plan


def url(name, *args):
    return reverse(f"indicators:{name}", args=args)


def report_url(school, year=YEAR):
    return url("values_report", school.code, year)


def test_report_page_lists_each_indicator_once_with_baseline_and_target(
    plan, school, coordinator, client_for
):
    response = client_for(coordinator).get(report_url(school))
    assert response.status_code == 200
    body = response.content.decode()
    # The shared indicator (items 7 and 8) is one row.
    assert body.count('data-indicator="導入合作學習策略教師人數比"') == 1
    assert body.count('class="value-row') == 4
    assert 'aria-label="導入合作學習策略教師人數比：分子"' in body


def test_value_saved_from_the_page_ratio_computed(plan, school, coordinator, client_for):
    row = plan_indicator(plan, "T01")
    client = client_for(coordinator)
    response = client.post(
        url("values_value_save", school.code, YEAR, row.pk),
        {
            f"v{row.pk}-numerator": "30",
            f"v{row.pk}-denominator": "60",
            f"v{row.pk}-note": "依教務處統計",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    value = YearValue.objects.get(plan_indicator=row)
    assert (str(value.value), value.note) == ("50.0000", "依教務處統計")
    assert "computed-value" in response.content.decode()


def test_ind1_refused_value_keeps_what_was_typed_in_chinese(plan, school, coordinator, client_for):
    row = plan_indicator(plan, "T01")
    client = client_for(coordinator)
    response = client.post(
        url("values_value_save", school.code, YEAR, row.pk),
        {f"v{row.pk}-numerator": "70", f"v{row.pk}-denominator": "60"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="70"' in body and 'value="60"' in body
    assert "分子不可大於分母" in body
    zero = client.post(
        url("values_value_save", school.code, YEAR, row.pk),
        {f"v{row.pk}-numerator": "3", f"v{row.pk}-denominator": "0"},
    )
    assert zero.status_code == 422
    assert "分母不可為 0" in zero.content.decode()
    count = plan_indicator(plan, "T03")
    negative = client.post(
        url("values_value_save", school.code, YEAR, count.pk),
        {f"v{count.pk}-value": "-3"},
        HTTP_HX_REQUEST="true",
    )
    assert negative.status_code == 422
    assert 'value="-3"' in negative.content.decode()
    assert "不可為負數" in negative.content.decode()
    assert YearValue.objects.count() == 0


def test_stale_page_save_is_a_conflict_keeping_what_was_typed(
    plan, school, coordinator, client_for
):
    report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    row = plan_indicator(plan, "T03")
    value = services.value_save(
        report=report, plan_indicator=row, value="11", revision=None, by=coordinator
    )
    services.value_save(
        report=report, plan_indicator=row, value="12", revision=value.revision, by=coordinator
    )
    response = client_for(coordinator).post(
        url("values_value_save", school.code, YEAR, row.pk),
        {f"v{row.pk}-value": "15", f"v{row.pk}-revision": str(value.revision)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert 'value="15"' in response.content.decode()
    value.refresh_from_db()
    assert str(value.value) == "12.0000"


def test_workflow_through_the_pages(plan, school, coordinator, principal, ministry, client_for):
    report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    report_all(report, plan, coordinator)
    client = client_for(coordinator)
    client.post(url("values_action", school.code, YEAR, "send_to_principal"))
    client = client_for(principal)
    page = client.get(report_url(school)).content.decode()
    assert "核章並送出至教育部" in page
    client.post(url("values_action", school.code, YEAR, "approve"), {"comment": "同意"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client = client_for(ministry)
    client.post(url("values_action", school.code, YEAR, "return"), {"comment": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a return needs a comment
    client.post(url("values_action", school.code, YEAR, "accept"))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_ministry_actions_refused_to_the_school(plan, school, coordinator, principal, client_for):
    submitted_report(plan, coordinator, principal)
    for user in (coordinator, principal):
        response = client_for(user).post(url("values_action", school.code, YEAR, "accept"))
        assert response.status_code == 403
    assert YearReport.objects.get().status == ReportStatus.SUBMITTED


# --- Evidence ------------------------------------------------------------------------------


def _saved_value(plan, coordinator):
    report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    return services.value_save(
        report=report,
        plan_indicator=plan_indicator(plan, "T03"),
        value="12",
        revision=None,
        by=coordinator,
    )


def test_evidence_checked_by_content_and_downloaded_with_permission(
    plan, school, coordinator, other_school, client_for
):
    value = _saved_value(plan, coordinator)
    client = client_for(coordinator)
    page = url("values_value", school.code, YEAR, value.plan_indicator_id)
    fake = client.post(
        page, {"file": SimpleUploadedFile("佐證.pdf", b"not a pdf", "application/pdf")}
    )
    assert fake.status_code == 200
    assert ValueEvidence.objects.count() == 0
    client.post(
        page,
        {"file": SimpleUploadedFile("佐證.pdf", PDF, "application/pdf"), "description": "教室清冊"},
    )
    evidence = ValueEvidence.objects.get()
    download = client.get(url("values_evidence", evidence.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    stranger = grant(UserFactory(username="stranger"), "coordinator", school=other_school)
    assert client_for(stranger).get(url("values_evidence", evidence.pk)).status_code == 404


# --- Authorisation: every page -------------------------------------------------------------


def school_pages(school, pk):
    return [
        url("values_school", school.code),
        url("values_school_export", school.code),
        url("values_charts", school.code),
        url("values_report", school.code, YEAR),
        url("values_template", school.code, YEAR),
        url("values_value", school.code, YEAR, pk),
    ]


MINISTRY_PAGES = [
    ("values_windows", ()),
    ("values_board", ()),
    ("values_board_year", (YEAR,)),
    ("values_national", ()),
    ("values_spread", ()),
    ("values_map", ()),
]


def test_school_sees_only_its_own(plan, school, coordinator, principal, other_school, client_for):
    row = plan_indicator(plan, "T03")
    for user in (coordinator, principal):
        client = client_for(user)
        for page in school_pages(school, row.pk):
            assert client.get(page).status_code == 200, page
    stranger = grant(UserFactory(username="stranger"), "coordinator", school=other_school)
    client = client_for(stranger)
    for page in school_pages(school, row.pk):
        assert client.get(page).status_code == 404, page
    assert client.get(url("values_upload", school.code, YEAR)).status_code == 404
    for name, args in MINISTRY_PAGES:
        assert client_for(coordinator).get(url(name, *args)).status_code == 403, name


def test_ministry_sees_everything(plan, school, ministry, client_for):
    row = plan_indicator(plan, "T03")
    client = client_for(ministry)
    for page in school_pages(school, row.pk):
        assert client.get(page).status_code == 200, page
    for name, args in MINISTRY_PAGES:
        assert client.get(url(name, *args)).status_code == 200, name
    # The ministry reads but does not type the school's values.
    assert client.get(url("values_upload", school.code, YEAR)).status_code == 403


def test_inspector_sees_the_schools_of_their_county_only(plan, school, inspector, client_for, db):
    from tests.factories import CountyFactory, evaluated_school

    row = plan_indicator(plan, "T03")
    client = client_for(inspector)
    for page in school_pages(school, row.pk):
        assert client.get(page).status_code == 200, page
    far = evaluated_school(scores=["85"] * 8, county=CountyFactory(code="kaohsiung"))
    far_plan = supported_plan(far, UserFactory(username="far-coord"))
    assert client.get(url("values_report", far.code, YEAR)).status_code == 404
    assert far_plan.pk
    for name, args in MINISTRY_PAGES:
        assert client.get(url(name, *args)).status_code == 403, name


def test_committee_member_sees_no_values(plan, school, committee_member, client_for):
    client = client_for(committee_member)
    for page in school_pages(school, plan_indicator(plan, "T03").pk):
        assert client.get(page).status_code == 404, page


def test_advisor_sees_only_the_schools_assigned_to_them(
    plan, school, advisor, ministry, client_for
):
    from consulting.models import AdvisoryAssignment

    client = client_for(advisor)
    assert client.get(report_url(school)).status_code == 404
    AdvisoryAssignment.objects.create(
        advisor=advisor, school=school, academic_year=115, assigned_by=ministry
    )
    assert client.get(report_url(school)).status_code == 200
    assert client.get(url("values_board")).status_code == 403


def test_panel_member_sees_only_the_schools_assigned_to_them(
    plan, school, panel_member, other_school, ministry, client_for
):
    """A member of the evaluation panel sees the values of the supported schools they are
    assigned to (issue 7, point 8), not every supported school, never an unsupported one."""
    from assessment.models import Assignment, Panel, PanelMember

    client = client_for(panel_member)
    assert client.get(report_url(school)).status_code == 404
    panel = Panel.objects.create(academic_year=YEAR, name="績效考核小組", created_by=ministry)
    member = PanelMember.objects.create(panel=panel, user=panel_member, added_by=ministry)
    Assignment.objects.create(
        panel=panel, member=member, plan=plan, school=school, assigned_by=ministry
    )
    assert client.get(report_url(school)).status_code == 200
    assert client.get(url("values_school", other_school.code)).status_code == 404


def test_writes_refused_to_other_roles_and_schools(
    plan, school, coordinator, principal, other_school, ministry, client_for
):
    from indicators.models import ValuesExport

    value = _saved_value(plan, coordinator)
    evidence = services.evidence_add(
        year_value=value,
        upload=SimpleUploadedFile("a.pdf", PDF),
        description="",
        by=coordinator,
    )
    save = url("values_value_save", school.code, YEAR, value.plan_indicator_id)
    typed = {f"v{value.plan_indicator_id}-value": "99"}
    stranger = grant(UserFactory(username="stranger"), "coordinator", school=other_school)
    assert client_for(stranger).post(save, typed).status_code == 404
    assert client_for(principal).post(save, typed).status_code == 403
    assert client_for(ministry).post(save, typed).status_code == 403
    remove = url("values_evidence_remove", evidence.pk)
    assert client_for(stranger).post(remove).status_code == 404
    assert client_for(principal).post(remove).status_code == 403
    assert str(YearValue.objects.get().value) == "12.0000"
    assert ValueEvidence.objects.get().removed_at is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        upload = import_start(
            kind="indicator_values",
            upload=SimpleUploadedFile(
                "x.csv", "指標代碼,分子,分母,數值,說明\nT03,,,13,\n".encode()
            ),
            by=coordinator,
            target=value.report,
        )
    preview = url("values_upload_preview", school.code, YEAR, upload.pk)
    assert client_for(stranger).get(preview).status_code == 404
    assert client_for(principal).post(preview, {"action": "apply"}).status_code == 403
    assert str(YearValue.objects.get().value) == "12.0000"
    export = ValuesExport.objects.create(requested_by=ministry)
    for name in ("values_export", "values_export_status", "values_export_download"):
        assert client_for(coordinator).get(url(name, export.pk)).status_code == 403
