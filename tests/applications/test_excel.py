"""The budget in Excel: the export holds the page's lines and totals; importing it back (after a
change) replaces the lines; a workbook with an error row changes nothing and names the row."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from applications.budget import budget_lines, budget_summary
from applications.enums import ExpenseType, FiscalHalf
from portal.audit.models import AuditEntry
from portal.imports.models import ImportJob
from tests.applications.builders import add_line, add_subplan, started_plan
from tests.applications.html import page_text, table_rows
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

HEADER = [
    "學年度",
    "子計畫",
    "經費類別",
    "項目名稱",
    "單位",
    "數量",
    "單價(仟元)",
    "總價(仟元)",
    "補助款(仟元)",
    "自籌款(仟元)",
    "會計年度",
    "說明",
]


def amount(value):
    """A workbook number as the page writes it: three decimals."""
    return f"{Decimal(str(value)):.3f}"


@pytest.fixture
def plan(school, coordinator):
    plan = started_plan(school, coordinator)
    item7 = add_subplan(plan, coordinator, 7, title="學習共同體")
    exchange = add_subplan(plan, coordinator, 1, exchange=True, title="校際交流觀摩")
    add_line(plan, coordinator, item7, 116, name="講座鐘點費", quantity="10", unit_price="2",
             subsidy="20", fiscal_half=FiscalHalf.FIRST)  # fmt: skip
    add_line(plan, coordinator, exchange, 116, expense_type=ExpenseType.EQUIPMENT,
             name="實習設備", quantity="2", unit_price="30.25", subsidy="50")  # fmt: skip
    add_line(plan, coordinator, item7, 117, expense_type=ExpenseType.MISC, name="雜支",
             quantity="1", unit_price="1.5", subsidy="1")  # fmt: skip
    add_line(plan, coordinator, exchange, 118, expense_type=ExpenseType.PERSONNEL,
             name="臨時人員", quantity="3", unit_price="0.333", subsidy="0")  # fmt: skip
    return plan


def export(client, plan):
    response = client.get(reverse("applications:budget_export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response.content


def sheets(content):
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook}


def test_budget_export_lines_equal_the_page_bud1(plan, coordinator, client_for):
    """The lines, in the page's order: per year, 經常門 (業務費, 雜支) before 資本門."""
    client = client_for(coordinator)
    lines = sheets(export(client, plan))["經費概算表"]
    page = client.get(reverse("applications:budget", args=[plan.pk])).content
    shown = [row[:11] for row in table_rows(page, "line-")]
    assert lines[0] == HEADER
    exported = [
        [
            row[1],
            row[3],
            row[4],
            format(Decimal(str(row[5])).normalize(), "f"),
            amount(row[6]),
            amount(row[7]),
            amount(row[8]),
            amount(row[9]),
            str(row[10]),
            row[11] or "",
        ]
        for row in lines[1:]
    ]
    on_page = [[r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]] for r in shown]
    assert exported == on_page
    assert exported == [
        ["7-學習共同體", "講座鐘點費", "式", "10", "2.000", "20.000", "20.000", "0.000", "116", ""],
        ["1-校際交流觀摩", "實習設備", "式", "2", "30.250", "60.500", "50.000", "10.500", "117",
         ""],
        ["7-學習共同體", "雜支", "式", "1", "1.500", "1.500", "1.000", "0.500", "118", ""],
        ["1-校際交流觀摩", "臨時人員", "式", "3", "0.333", "0.999", "0.000", "0.999", "119", ""],
    ]  # fmt: skip
    assert [(r[0], r[2]) for r in lines[1:]] == [
        (116, "業務費"),
        (116, "設備費"),
        (117, "雜支"),
        (118, "人事費"),
    ]


def test_budget_export_totals_equal_the_page_and_summary(plan, coordinator, client_for):
    client = client_for(coordinator)
    totals = sheets(export(client, plan))["合計"]
    page = client.get(reverse("applications:budget", args=[plan.pk])).content.decode()
    summary = budget_summary(plan)
    by_year = [[r[0], amount(r[1]), amount(r[2]), amount(r[3])] for r in totals[1:4]]
    assert by_year == [
        [116, "80.500", "70.000", "10.500"],
        [117, "1.500", "1.000", "0.500"],
        [118, "0.999", "0.000", "0.999"],
    ]
    for year, total, subsidy, _own in by_year:
        assert f'<td class="num" data-year-total="{year}">{total}</td>' in page
        assert f'<td class="num" data-year-subsidy="{year}">{subsidy}</td>' in page
        block = summary.year(year)
        assert (str(block.money.total), str(block.money.subsidy)) == (total, subsidy)
    grand = [totals[4][0], amount(totals[4][1]), amount(totals[4][2]), amount(totals[4][3])]
    assert grand == ["合計", "82.999", "71.000", "11.999"]
    assert f'<td class="num" id="grand-total">{grand[1]}</td>' in page
    assert f'<td class="num" id="grand-subsidy">{grand[2]}</td>' in page
    assert totals[6] == ["會計年度", "總價(仟元)", "補助款(仟元)", "自籌款(仟元)"]
    fiscal = [[r[0], amount(r[1]), amount(r[2]), amount(r[3])] for r in totals[7:]]
    assert fiscal == [
        [116, "20.000", "20.000", "0.000"],
        [117, "60.500", "50.000", "10.500"],
        [118, "1.500", "1.000", "0.500"],
        [119, "0.999", "0.000", "0.999"],
    ]


def workbook_bytes(content, change):
    workbook = load_workbook(io.BytesIO(content))
    change(workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_import(client, plan, data, name="經費概算表.xlsx"):
    """Upload the workbook; its reading (the Celery job) runs once the upload commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("applications:budget_import", args=[plan.pk]),
            {"file": SimpleUploadedFile(name, data), "replace": "on"},
        )


def import_job(plan):
    return ImportJob.objects.get(kind="budget", target_id=plan.pk)


def job_url(plan):
    return reverse("applications:budget_import_job", args=[plan.pk, import_job(plan).pk])


def test_budget_import_changed_workbook_replaces_the_lines_once_confirmed(
    plan, coordinator, client_for
):
    client = client_for(coordinator)

    def change(sheet):
        sheet["I2"] = 15  # 補助款 of 講座鐘點費: 20 → 15
        sheet.append([118, "7-學習共同體", "業務費", "業師鐘點費", "時", 4, 1.25, None, 5, None,
                      118, "新增"])  # fmt: skip

    old_ids = set(plan.budget_lines.values_list("pk", flat=True))
    response = post_import(client, plan, workbook_bytes(export(client, plan), change))
    assert (response.status_code, response["Location"]) == (302, job_url(plan))
    job = import_job(plan)
    assert (job.status, job.rows_read, job.error_count) == ("ready", 5, 0)
    assert set(plan.budget_lines.values_list("pk", flat=True)) == old_ids  # not applied yet
    page = page_text(client.get(job_url(plan)).content)
    assert "套用後，經費概算表的所有項目將由這 5 個項目取代：" in page
    response = client.post(job_url(plan), {"action": "apply"})
    assert (response.status_code, response["Location"]) == (302, f"/plans/{plan.pk}/budget/")
    lines = budget_lines(plan)
    assert [
        (x.academic_year, x.sub_plan.title, x.expense_type, x.name, str(x.total), str(x.subsidy),
         str(x.own_funds), x.fiscal_year, x.purpose)
        for x in lines
    ] == [
        (116, "校際交流觀摩", "equipment", "實習設備", "60.500", "50.000", "10.500", 117, ""),
        (116, "學習共同體", "business", "講座鐘點費", "20.000", "15.000", "5.000", 116, ""),
        (117, "學習共同體", "misc", "雜支", "1.500", "1.000", "0.500", 118, ""),
        (118, "校際交流觀摩", "personnel", "臨時人員", "0.999", "0.000", "0.999", 119, ""),
        (118, "學習共同體", "business", "業師鐘點費", "5.000", "5.000", "0.000", 118, "新增"),
    ]  # fmt: skip
    assert old_ids.isdisjoint(x.pk for x in lines)
    assert AuditEntry.objects.get(action="budget.import").after["lines"] == 5
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "經費概算表已更新為匯入的 5 個項目。"
    ]
    assert import_job(plan).status == "applied"


def test_budget_import_error_rows_change_nothing_and_name_the_rows(
    plan, coordinator, client_for, settings
):
    client = client_for(coordinator)

    def change(sheet):
        sheet["F3"] = "abc"  # 數量 of 實習設備
        sheet["B4"] = "9-不存在的子計畫"
        sheet["G5"] = 0.3335  # 單價 with 4 decimals

    before = [(x.pk, x.revision, str(x.subsidy)) for x in budget_lines(plan)]
    content = workbook_bytes(export(client, plan), change)
    post_import(client, plan, content)
    response = client.get(job_url(plan))
    assert response.status_code == 200
    assert import_job(plan).errors == [
        {"row": 3, "label": "1-校際交流觀摩・實習設備", "messages": ["數量 不是數字"]},
        {
            "row": 4,
            "label": "9-不存在的子計畫・雜支",
            "messages": ["沒有名為「9-不存在的子計畫」的子計畫"],
        },
        {
            "row": 5,
            "label": "1-校際交流觀摩・臨時人員",
            "messages": ["最多小數 3 位（以元為單位）。"],
        },
    ]
    assert (
        "3 列有錯誤：有錯誤的匯入不會變更任何資料。請修正檔案後重新上傳。 列 列的內容 問題 "
        "3 1-校際交流觀摩・實習設備 數量 不是數字 "
        "4 9-不存在的子計畫・雜支 沒有名為「9-不存在的子計畫」的子計畫 "
        "5 1-校際交流觀摩・臨時人員 最多小數 3 位（以元為單位）。"
    ) in page_text(response.content)
    assert "確認匯入" not in page_text(response.content)
    refused = client.post(job_url(plan), {"action": "apply"}, follow=True)
    assert "有錯誤的匯入無法套用：請先修正檔案。" in page_text(refused.content)
    assert [(x.pk, x.revision, str(x.subsidy)) for x in budget_lines(plan)] == before
    assert AuditEntry.objects.filter(action="budget.import").count() == 0


def test_budget_import_personnel_subsidy_row_refused_bud4(plan, coordinator, client_for, settings):
    client = client_for(coordinator)

    def change(sheet):
        sheet["I5"] = 0.5  # 補助款 of the personnel line

    post_import(client, plan, workbook_bytes(export(client, plan), change))
    assert import_job(plan).errors == [
        {
            "row": 5,
            "label": "1-校際交流觀摩・臨時人員",
            "messages": ["人事費不得由補助款支應。"],
        }
    ]
    assert plan.budget_lines.get(expense_type="personnel").subsidy == Decimal("0")


def test_budget_import_by_principal_refused(plan, coordinator, principal, client_for):
    content = export(client_for(coordinator), plan)
    response = post_import(client_for(principal), plan, content)
    assert response.status_code == 403
    assert (plan.budget_lines.count(), ImportJob.objects.count()) == (4, 0)


def test_budget_import_job_apply_by_principal_refused(plan, coordinator, principal, client_for):
    post_import(client_for(coordinator), plan, export(client_for(coordinator), plan))
    response = client_for(principal).post(job_url(plan), {"action": "apply"})
    assert response.status_code == 403
    assert import_job(plan).status == "ready"


def coordinator_of(school):
    return grant(UserFactory(username=f"coordinator-{school.code}"), "coordinator", school=school)


def test_budget_import_job_of_another_school_404(plan, coordinator, other_school, client_for):
    post_import(client_for(coordinator), plan, export(client_for(coordinator), plan))
    client = client_for(coordinator_of(other_school))
    assert client.get(job_url(plan)).status_code == 404
    assert client.post(job_url(plan), {"action": "apply"}).status_code == 404
    assert import_job(plan).status == "ready"


def test_budget_import_job_under_another_plan_404(plan, coordinator, other_school, client_for):
    """A job is found only under the plan it was uploaded for."""
    post_import(client_for(coordinator), plan, export(client_for(coordinator), plan))
    theirs = coordinator_of(other_school)
    other = started_plan(other_school, theirs)
    url = reverse("applications:budget_import_job", args=[other.pk, import_job(plan).pk])
    assert client_for(theirs).get(url).status_code == 404


def test_budget_import_refused_when_the_budget_changed_since_the_export(
    plan, coordinator, client_for
):
    """Nothing is silently overwritten: a workbook exported before a colleague's edit cannot
    be imported over it; the import is refused and every line stays as saved."""
    from applications.budget import budget_line_save
    from tests.applications.builders import line_values

    client = client_for(coordinator)
    content = export(client, plan)
    line = plan.budget_lines.get(name="雜支")
    budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 117, name="雜支（同事修改）", quantity=Decimal("2"),
                           unit_price=Decimal("1.5"), subsidy=Decimal("3"),
                           expense_type=ExpenseType.MISC),
        revision=line.revision,
        by=coordinator,
    )  # fmt: skip
    before = sorted(plan.budget_lines.values_list("pk", "name", "revision"))
    post_import(client, plan, content)
    response = client.post(job_url(plan), {"action": "apply"}, follow=True)
    assert "經費概算表在匯出此活頁簿後已有變更" in page_text(response.content)
    assert sorted(plan.budget_lines.values_list("pk", "name", "revision")) == before
    assert not AuditEntry.objects.filter(action="budget.import").exists()
    assert import_job(plan).status == "ready"


def test_budget_export_keeps_typed_formulas_as_text(plan, coordinator, client_for):
    """What people typed is data: a line named like a formula is exported as text."""
    line = plan.budget_lines.get(name="雜支")
    type(line).objects.filter(pk=line.pk).update(name='=HYPERLINK("http://x.example","點此")')
    workbook = load_workbook(io.BytesIO(export(client_for(coordinator), plan)))
    cells = [c for row in workbook["經費概算表"].iter_rows() for c in row]
    named = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert [(c.value, c.data_type) for c in named] == [
        ('=HYPERLINK("http://x.example","點此")', "s")
    ]
