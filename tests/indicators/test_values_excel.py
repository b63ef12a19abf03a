"""The year's values in Excel: the prefilled template, the upload previewed with row errors in
Chinese and nothing saved until confirmed, the round trip, and the school's export."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import YearValue
from indicators.values import services
from portal.audit.models import AuditEntry
from portal.imports.models import ImportJob
from portal.imports.services import ImportRefused, import_apply
from tests.indicators.values_builders import YEAR, open_window, plan_indicator, supported_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(school, coordinator):
    plan = supported_plan(school, coordinator)
    open_window()
    return plan


def url(name, *args):
    return reverse(f"indicators:{name}", args=args)


def template(client, school):
    response = client.get(url("values_template", school.code, YEAR))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def fill(workbook, values):
    """Type into the template: ``values`` maps an indicator code to {column: text}."""
    sheet = workbook["指標填報"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = row[0].value
        for column, text in values.get(key, {}).items():
            row[header.index(column)].value = text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("填報.xlsx", buffer.getvalue())


def post_upload(client, school, upload):
    """Upload; the workbook is read (the Celery job) once the upload commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url("values_upload", school.code, YEAR), {"file": upload})


def test_template_one_row_per_indicator_with_baseline_target_and_cells_to_fill(
    plan, school, coordinator, client_for
):
    workbook = template(client_for(coordinator), school)
    sheet = workbook["指標填報"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "指標代碼",
        "指標名稱",
        "所屬項目",
        "類別",
        "單位",
        "方向",
        "基準值",
        "本年度目標值",
        "分子",
        "分母",
        "數值",
        "說明",
    )
    by_key = {r[0]: r for r in rows[1:]}
    assert sorted(by_key) == ["T01", "T02", "T03", "T04"]
    # The shared indicator is one row naming both its items.
    assert by_key["T01"][1:3] == ("導入合作學習策略教師人數比", "7、8")
    assert by_key["T02"][5:8] == ("越低越好", 5, 4)
    # The cells to fill are marked (yellow) and unlocked: numerator and denominator for a
    # ratio, the value for a count.
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    yellow = "00FFF4C2"
    assert [c.fill.start_color.rgb == yellow for c in cells["T01"][8:11]] == [True, True, False]
    assert [c.fill.start_color.rgb == yellow for c in cells["T03"][8:11]] == [False, False, True]
    assert cells["T03"][10].protection.locked is False
    assert cells["T03"][1].protection.locked is True
    assert workbook["portal"].sheet_state == "hidden"


def test_ind3_excel_round_trip_bad_row_refused_then_corrected_and_confirmed(
    plan, school, coordinator, client_for
):
    client = client_for(coordinator)
    values = {
        "T01": {"分子": 30, "分母": 60, "說明": "依教務處統計"},
        "T02": {"分子": 9, "分母": 0},
        "T03": {"數值": 12},
        "T04": {"分子": 1500, "分母": 120},
    }
    response = post_upload(client, school, fill(template(client, school), values))
    upload = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("values_upload_preview", school.code, YEAR, upload.pk)
    preview = client.get(response["Location"]).content.decode()
    assert "分母不可為 0" in preview
    assert "確認匯入" not in preview
    assert [e["row"] for e in upload.errors] == [3]
    assert upload.errors[0]["typed"]["denominator"] == "0"  # what was typed is shown
    assert YearValue.objects.count() == 0  # nothing saved
    refused = client.post(
        url("values_upload_preview", school.code, YEAR, upload.pk), {"action": "apply"}
    )
    assert refused.status_code == 302
    assert YearValue.objects.count() == 0

    values["T02"] = {"分子": 9, "分母": 200}
    response = post_upload(client, school, fill(template(client, school), values))
    corrected = ImportJob.objects.latest("pk")
    assert (corrected.errors, len(corrected.rows)) == ([], 4)
    preview = client.get(response["Location"]).content.decode()
    assert "確認匯入" in preview
    assert YearValue.objects.count() == 0  # still nothing until confirmed
    done = client.post(
        url("values_upload_preview", school.code, YEAR, corrected.pk), {"action": "apply"}
    )
    assert done["Location"] == url("values_report", school.code, YEAR)
    saved = {
        v.plan_indicator.indicator.key: (str(v.numerator), str(v.denominator), str(v.value), v.note)
        for v in YearValue.objects.select_related("plan_indicator__indicator")
    }
    assert saved == {
        "T01": ("30.0000", "60.0000", "50.0000", "依教務處統計"),
        "T02": ("9.0000", "200.0000", "4.5000", ""),
        "T03": ("None", "None", "12.0000", ""),
        "T04": ("1500.0000", "120.0000", "12.5000", ""),
    }
    assert AuditEntry.objects.filter(action="indicators.upload.apply").count() == 1
    # Applying the same upload twice is refused.
    with pytest.raises(ImportRefused):
        import_apply(job=corrected, by=coordinator)


def test_upload_over_a_later_edit_is_refused(plan, school, coordinator, client_for):
    client = client_for(coordinator)
    workbook = template(client, school)  # made before the edit below
    report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    services.value_save(
        report=report,
        plan_indicator=plan_indicator(plan, "T03"),
        value="11",
        revision=None,
        by=coordinator,
    )
    post_upload(client, school, fill(workbook, {"T03": {"數值": 14}}))
    upload = ImportJob.objects.get()
    with pytest.raises(ImportRefused) as refused:
        import_apply(job=upload, by=coordinator)
    assert str(refused.value) == (
        "下載範本後實際值已有變動（其間有人儲存）。未儲存任何資料：請重新下載範本，在新範本中填寫。"
    )
    assert ImportJob.objects.get().status == "ready"
    assert str(YearValue.objects.get().value) == "11.0000"


def test_upload_of_another_schools_template_refused(
    plan, school, coordinator, other_school, client_for
):
    from tests.factories import UserFactory, grant

    other = grant(UserFactory(username="oc"), "coordinator", school=other_school)
    supported_plan(other_school, other)
    workbook = template(client_for(other), other_school)
    client = client_for(coordinator)
    response = post_upload(client, school, fill(workbook, {"T03": {"數值": 14}}))
    job = ImportJob.objects.get()
    assert (response.status_code, job.status, job.rows) == (302, "failed", [])
    assert "其他學校或學年度的範本" in job.message
    assert "其他學校或學年度的範本" in client.get(response["Location"]).content.decode()


def test_upload_refused_to_the_principal_and_other_schools(
    plan, school, principal, other_school, client_for
):
    from tests.factories import UserFactory, grant

    assert client_for(principal).get(url("values_upload", school.code, YEAR)).status_code == 403
    stranger = grant(UserFactory(username="oc"), "coordinator", school=other_school)
    assert client_for(stranger).get(url("values_upload", school.code, YEAR)).status_code == 404


def test_school_export_of_every_year(plan, school, coordinator, principal, client_for):
    from tests.indicators.values_builders import submitted_report

    submitted_report(plan, coordinator, principal)
    response = client_for(coordinator).get(url("values_school_export", school.code))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("學年度", "指標名稱", "所屬項目")
    years = [r[0] for r in rows[1:]]
    assert years.count(113) == 4 and years.count(114) == 4 and years.count(115) == 4
    lower = next(r for r in rows[1:] if r[0] == 114 and r[1] == "學生違規人次比率")
    # 9 ÷ 200 = 4.50 % against a target of at most 4 %: lower is better, so not met.
    assert (lower[7], lower[8], lower[9], lower[10], lower[11]) == (9, 200, 4.5, "未達成", "已送出")


def test_an_oversized_workbook_is_refused_at_the_upload(plan, school, coordinator, client_for):
    from indicators.values.excel import MAX_BYTES

    big = SimpleUploadedFile("填報.xlsx", b"x" * (MAX_BYTES + 1))
    response = post_upload(client_for(coordinator), school, big)
    assert response.status_code == 200
    assert "匯入的檔案不得超過 2.0\xa0MB" in response.content.decode()
    assert ImportJob.objects.count() == 0
