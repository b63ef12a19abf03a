"""Imports as bounded jobs: the upload returns at once, a worker reads the file within a row
and a size cap, the page follows the progress, shows a screenful of row errors with all of
them in a download, and nothing changes until the uploader confirms."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from applications.budget_import import MAX_ROWS
from portal.imports import services
from portal.imports.models import ImportJob
from portal.imports.reading import read_table
from tests.applications.builders import add_subplan, started_plan
from tests.applications.html import page_text
from tests.portal.imports.workbooks import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["學年度", "子計畫", "經費類別", "項目名稱", "單位", "數量", "單價(仟元)", "補助款(仟元)"]
GOOD = [116, "7-學習共同體", "業務費", "講座鐘點費", "時", 2, 1.5, 3]
TOO_MANY = (
    f"檔案超過 {MAX_ROWS} 列：每次匯入最多 {MAX_ROWS} 列。請分成較小的檔案，或刪除非資料的列。"
)


@pytest.fixture
def plan(school, coordinator):
    plan = started_plan(school, coordinator)
    add_subplan(plan, coordinator, 7, title="學習共同體")
    return plan


def upload(client, plan, data, name="經費概算表.xlsx"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("applications:budget_import", args=[plan.pk]),
            {"file": SimpleUploadedFile(name, data), "replace": "on"},
        )


def job_url(job):
    return reverse("applications:budget_import_job", args=[job.target_id, job.pk])


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "undeclared"])
def test_import_195000_rows_refused_within_a_second(plan, coordinator, client_for, declare):
    """Whether or not the sheet states its size, the rows past the cap are never parsed."""
    data = xlsx(HEADER, GOOD, 195_000, declare=declare)
    client = client_for(coordinator)
    upload(client, plan, xlsx(HEADER, GOOD, 1))  # the catalogue and templates loaded, as in use
    ImportJob.objects.all().delete()
    started = time.monotonic()
    response = upload(client, plan, data)
    elapsed = time.monotonic() - started
    job = ImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, job_url(job))
    assert (job.status, job.message, job.rows) == ("failed", TOO_MANY, [])
    assert elapsed < 1.5  # about 0.1 s alone; the slack is for a loaded machine
    assert TOO_MANY in page_text(client.get(job_url(job)).content)
    assert plan.budget_lines.count() == 0


def test_import_row_cap_plus_one_refused_cap_accepted(plan, coordinator, client_for):
    client = client_for(coordinator)
    upload(client, plan, xlsx(HEADER, GOOD, MAX_ROWS + 1, declare=False))
    upload(client, plan, xlsx(HEADER, GOOD, MAX_ROWS))
    refused, read = ImportJob.objects.order_by("pk")
    assert (refused.status, refused.message) == ("failed", TOO_MANY)
    assert (read.status, read.rows_read, read.rows_total, read.error_count) == (
        "ready",
        MAX_ROWS,
        MAX_ROWS,
        0,
    )


def test_import_csv_row_cap_refused(plan, coordinator, client_for):
    lines = [",".join(map(str, HEADER))] + [",".join(map(str, GOOD))] * (MAX_ROWS + 1)
    upload(client_for(coordinator), plan, "\n".join(lines).encode(), name="budget.csv")
    assert (ImportJob.objects.get().status, ImportJob.objects.get().message) == (
        "failed",
        TOO_MANY,
    )


def test_import_above_byte_cap_refused_before_storing(plan, coordinator, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(client_for(coordinator), plan, b"x" * 1001)
    assert response.status_code == 200
    assert "檔案大小為 1001 位元組：匯入的檔案不得超過 1000 位元組。" in page_text(response.content)
    assert ImportJob.objects.count() == 0


def test_import_not_a_spreadsheet_refused(plan, coordinator, client_for):
    response = upload(client_for(coordinator), plan, b"%PDF-1.4", name="budget.pdf")
    assert "請上傳 CSV 檔或 Excel 活頁簿（.xlsx）。" in page_text(response.content)
    assert ImportJob.objects.count() == 0


def test_import_upload_returns_before_reading(plan, coordinator, client_for):
    """The upload's response does not wait for the reading: without the commit the job is
    only queued, and its page polls for news."""
    client = client_for(coordinator)
    client.post(
        reverse("applications:budget_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("b.xlsx", xlsx(HEADER, GOOD, 3)), "replace": "on"},
    )
    job = ImportJob.objects.get()
    assert (job.status, job.rows_read, job.file.read()[:2]) == ("queued", 0, b"PK")
    panel = client.get(job_url(job) + "?panel=1", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in panel.content.decode()
    assert "檔案等待讀取中…" in page_text(panel.content)


def test_import_progress_recorded_while_reading(plan, coordinator):
    seen = []
    table = read_table(
        io.BytesIO(xlsx(HEADER, GOOD, 450)),
        name="b.xlsx",
        max_rows=MAX_ROWS,
        on_progress=seen.append,
        on_declared=seen.append,
    )
    assert (len(table.rows), seen) == (450, [450, 200, 400, 450])


def test_import_progress_shown_on_the_page(plan, coordinator, client_for):
    job = ImportJob.objects.create(
        kind="budget",
        status="reading",
        file_name="b.xlsx",
        target_type_id=_plan_type(),
        target_id=plan.pk,
        rows_total=1000,
        rows_read=400,
        uploaded_by=coordinator,
    )
    panel = client_for(coordinator).get(job_url(job) + "?panel=1", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert '<progress class="w-100" max="1000" value="400"' in html
    assert "正在讀取檔案：已讀取 400 列…" in page_text(panel.content)


def _plan_type():
    from django.contrib.contenttypes.models import ContentType

    from applications.models import Plan

    return ContentType.objects.get_for_model(Plan).pk


def test_import_errors_capped_on_page_download_holds_all(plan, coordinator, client_for):
    bad = [116, "7-學習共同體", "業務費", "講座鐘點費", "時", "abc", 1.5, 3]
    client = client_for(coordinator)
    upload(client, plan, xlsx(HEADER, bad, 60))
    job = ImportJob.objects.get()
    assert (job.status, job.error_count) == ("ready", 60)
    page = client.get(job_url(job))
    text = page_text(page.content)
    assert text.count("數量 不是數字") == services.ERRORS_SHOWN
    assert "僅列出 60 個錯誤列中的前 50 列。" in text
    download = client.get(job_url(job) + "?errors=xlsx")
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("列", "列的內容", "問題")
    assert rows[1:] == [(n, "7-學習共同體・講座鐘點費", "數量 不是數字") for n in range(2, 62)]


def test_import_discard_changes_nothing(plan, coordinator, client_for):
    client = client_for(coordinator)
    upload(client, plan, xlsx(HEADER, GOOD, 2))
    job = ImportJob.objects.get()
    client.post(job_url(job), {"action": "discard"})
    assert (ImportJob.objects.get().status, plan.budget_lines.count()) == ("discarded", 0)
    client.post(job_url(job), {"action": "apply"})
    assert (ImportJob.objects.get().status, plan.budget_lines.count()) == ("discarded", 0)


def test_import_applied_once(plan, coordinator, client_for):
    client = client_for(coordinator)
    upload(client, plan, xlsx(HEADER, GOOD, 2))
    job = ImportJob.objects.get()
    client.post(job_url(job), {"action": "apply"})
    again = client.post(job_url(job), {"action": "apply"}, follow=True)
    assert "此匯入已套用或已捨棄。" in page_text(again.content)
    assert plan.budget_lines.count() == 2


def test_import_read_twice_changes_nothing(plan, coordinator, client_for):
    """A message delivered twice (a worker that died after reading) reads nothing again."""
    upload(client_for(coordinator), plan, xlsx(HEADER, GOOD, 2))
    job = ImportJob.objects.get()
    services.import_read(job_id=job.pk)
    assert ImportJob.objects.get().read_at == job.read_at


def test_import_job_of_another_school_404(plan, coordinator, other_school, client_for):
    from tests.factories import UserFactory, grant

    upload(client_for(coordinator), plan, xlsx(HEADER, GOOD, 2))
    job = ImportJob.objects.get()
    stranger = grant(UserFactory(username="stranger"), "coordinator", school=other_school)
    client = client_for(stranger)
    assert client.get(job_url(job)).status_code == 404
    assert client.get(job_url(job) + "?errors=xlsx").status_code == 404
    assert client.post(job_url(job), {"action": "apply"}).status_code == 404
    assert (ImportJob.objects.get().status, plan.budget_lines.count()) == ("ready", 0)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name",
    ["applications:budget_import", "schools:import"],
)
def test_import_pages_recent_jobs_query_count_does_not_grow(
    plan, coordinator, ministry, client_for, name
):
    user = coordinator if name.startswith("applications") else ministry
    client = client_for(user)
    url = reverse(name, args=[plan.pk]) if name.startswith("applications") else reverse(name)
    kind = "budget" if name.startswith("applications") else "schools"

    def add_jobs(n):
        for i in range(n):
            ImportJob.objects.create(
                kind=kind,
                file_name=f"{i}.xlsx",
                uploaded_by=user,
                target_type_id=_plan_type() if kind == "budget" else None,
                target_id=plan.pk if kind == "budget" else None,
            )

    add_jobs(1)
    client.get(url)  # the session and the catalogue settle first
    one = _queries(client, url)
    add_jobs(2)
    assert _queries(client, url) == one


def test_import_apply_while_reading_refused(plan, coordinator, client_for):
    client = client_for(coordinator)
    client.post(
        reverse("applications:budget_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("b.xlsx", xlsx(HEADER, GOOD, 3)), "replace": "on"},
    )  # not committed: the job waits to be read
    job = ImportJob.objects.get()
    response = client.post(job_url(job), {"action": "apply"}, follow=True)
    assert "檔案仍在讀取中：請等候預覽。" in page_text(response.content)
    assert (ImportJob.objects.get().status, plan.budget_lines.count()) == ("queued", 0)
