"""The plan PDF, made through the document pipeline (document_request → the Celery task, run
eagerly): the Chinese font is embedded and draws the text, pages are numbered, and the
budget figures are budget_summary's, written as the budget page writes them."""

import io
import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from applications import services
from applications.budget import budget_summary
from applications.enums import ExpenseType, FiscalHalf
from portal.documents.models import GeneratedDocument
from portal.documents.services import document_request
from portal.programme import calendar
from tests.applications.builders import add_line, complete_plan, started_plan, submitted_plan
from tests.applications.html import page_text
from tests.factories import UserFactory, evaluated_school, grant

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def money(m):
    return (str(m.total), str(m.subsidy), str(m.own_funds))


@pytest.fixture(scope="module")
def plan_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """One submitted plan, its PDF as the pipeline makes it, and its budget page — rendered
    once for the module (about 2 s) and rolled back afterwards."""
    location = tmp_path_factory.mktemp("private")
    storages = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES=storages, PORTAL_DOCUMENTS_IN_THREAD=False, PASSWORD_HASHERS=FAST_HASHER
        ),
        transaction.atomic(),
    ):
        school = evaluated_school(scores=["85"] * 8, code="193404", name="國立臺中高級工業職業學校")
        coordinator = grant(UserFactory(username="pdf-coordinator"), "coordinator", school=school)
        principal = grant(UserFactory(username="pdf-principal"), "principal", school=school)
        plan = started_plan(school, coordinator)
        complete_plan(plan, coordinator)
        # More lines: different totals per year, a four-digit amount, own funds, and both
        # halves of the academic year (BUD-3).
        item7 = plan.subplans.get(item=7)
        add_line(plan, coordinator, item7, 116, expense_type=ExpenseType.EQUIPMENT,
                 name="實習設備", quantity="2", unit_price="30.25", subsidy="50",
                 fiscal_half=FiscalHalf.FIRST)  # fmt: skip
        add_line(plan, coordinator, item7, 118, name="業師協同教學", quantity="1234",
                 unit_price="1.001", subsidy="1000")  # fmt: skip
        services.plan_send_to_principal(plan=plan, by=coordinator)
        services.plan_principal_approve(plan=plan, by=principal)
        plan.refresh_from_db()
        with TestCase.captureOnCommitCallbacks(execute=True):
            document = document_request(kind="plan", target=plan, by=coordinator)
        document.refresh_from_db()
        client = Client()
        client.force_login(coordinator)
        budget_page = client.get(reverse("applications:budget", args=[plan.pk])).content.decode()
        summary = budget_summary(plan)
        result = {
            "status": document.status,
            "error": document.error,
            "file_name": document.file_name,
            "data": document.file.read() if document.file else b"",
            "documents": GeneratedDocument.objects.filter(kind="plan").count(),
            "years": [(y.year, money(y.money)) for y in summary.years],
            "fiscal_years": [(fy, money(m)) for fy, m in summary.by_fiscal_year],
            "grand": money(summary.grand),
            "budget_page": budget_page,
            "school": (school.code, school.name),
        }
        transaction.set_rollback(True)
    return result


@pytest.fixture(scope="module")
def pdf(plan_pdf):
    assert (plan_pdf["status"], plan_pdf["error"]) == ("done", "")
    return PdfReader(io.BytesIO(plan_pdf["data"]))


@pytest.fixture(scope="module")
def text(pdf):
    return "\n".join(page.extract_text() for page in pdf.pages)


def fonts(page):
    resources = page["/Resources"]["/Font"]
    return [resources[name].get_object() for name in resources]


def descendant(font):
    return font["/DescendantFonts"][0].get_object()


def font_program(font):
    stream = descendant(font)["/FontDescriptor"].get_object()["/FontFile2"]
    return TTFont(io.BytesIO(stream.get_object().get_data()))


def test_plan_pdf_made_by_the_pipeline(plan_pdf):
    today = calendar.roc_stamp()
    assert today == "1151116"
    assert (plan_pdf["status"], plan_pdf["error"], plan_pdf["documents"]) == ("done", "", 1)
    assert plan_pdf["file_name"] == f"193404-第五期程-計畫書-{today}.pdf"
    assert plan_pdf["data"][:5] == b"%PDF-"


def test_plan_pdf_embeds_noto_sans_tc(pdf):
    """Every font is Noto Sans TC (a subset, ABCDEF+ prefix), embedded as FontFile2 under its
    descendant font's FontDescriptor."""
    names = set()
    for page in pdf.pages:
        for font in fonts(page):
            assert font["/Subtype"] == "/Type0"
            descriptor = descendant(font)["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            names.add(str(font["/BaseFont"]).lstrip("/").split("+", 1)[1])
    assert names == {"Noto-Sans-TC", "Noto-Sans-TC-Bold"}


def test_plan_pdf_font_draws_the_characters_on_the_page(pdf):
    """The embedded font program maps the budget page's characters to glyphs with outlines
    (extraction alone would pass with empty boxes)."""
    page = next(p for p in pdf.pages if "經費概算表" in p.extract_text())
    page_chars = page.extract_text()
    programs = [font_program(font) for font in fonts(page)]

    def drawn(char):
        for program in programs:
            glyph = program.getBestCmap().get(ord(char))
            if glyph and program["glyf"][glyph].numberOfContours > 0:
                return True
        return False

    for char in "計畫經費":
        assert char in page_chars
        assert drawn(char), char
    cjk = sorted({c for c in page_chars if "\u4e00" <= c <= "\u9fff"})
    assert [c for c in cjk if not drawn(c)] == []


def test_plan_pdf_pages_are_numbered(pdf):
    total = len(pdf.pages)
    assert total > 3
    for number, page in enumerate(pdf.pages, 1):
        assert re.findall(r"第 (\d+) 頁／共 (\d+) 頁", page.extract_text()) == [
            (str(number), str(total))
        ]


def test_plan_pdf_has_the_school_and_status(pdf):
    cover = pdf.pages[0].extract_text()
    assert "國立臺中高級工業職業學校" in cover
    assert "學校代碼 193404・狀態：已送出" in cover


def test_plan_pdf_year_totals_equal_budget_summary(plan_pdf, text):
    assert plan_pdf["years"] == [
        (116, ("75.500", "65.000", "10.500")),
        (117, ("15.000", "15.000", "0.000")),
        (118, ("1250.234", "1015.000", "235.234")),
    ]
    for year, (total, subsidy, own) in plan_pdf["years"]:
        # In the year's table, and in the totals table.
        assert f"{year}學年度 合計 {total} {subsidy} {own}" in text
        assert f"\n{year}學年度 {total} {subsidy} {own}\n" in text


def test_plan_pdf_grand_and_subsidy_totals_equal_budget_summary(plan_pdf, text):
    assert plan_pdf["grand"] == ("1340.734", "1095.000", "245.734")
    total, subsidy, own = plan_pdf["grand"]
    assert f"總計 {total} {subsidy} {own}" in text


def test_plan_pdf_fiscal_year_totals_equal_budget_summary_bud3(plan_pdf, text):
    assert plan_pdf["fiscal_years"] == [
        (116, ("60.500", "50.000", "10.500")),
        (117, ("15.000", "15.000", "0.000")),
        (118, ("15.000", "15.000", "0.000")),
        (119, ("1250.234", "1015.000", "235.234")),
    ]
    for fiscal, (total, subsidy, own) in plan_pdf["fiscal_years"]:
        assert f"{fiscal}會計年度 {total} {subsidy} {own}" in text


def test_plan_pdf_figures_written_as_the_budget_page_writes_them(plan_pdf, text):
    page = plan_pdf["budget_page"]
    for year, (total, subsidy, _own) in plan_pdf["years"]:
        assert f'<td class="num" data-year-total="{year}">{total}</td>' in page
        assert f'<td class="num" data-year-subsidy="{year}">{subsidy}</td>' in page
    total, subsidy, own = plan_pdf["grand"]
    assert f'<td class="num" id="grand-total">{total}</td>' in page
    assert f'<td class="num" id="grand-subsidy">{subsidy}</td>' in page
    assert f"總計 {total} {subsidy} {own}" in page_text(page)


def test_plan_pdf_lists_the_lines_and_signoff(text):
    assert "7-項目7子計畫 業師協同教學 式 1234 1.001 1235.234 1000.000 235.234" in text
    assert "陳組長 王主任 李主任 林校長" in text


def test_plan_pdf_requested_from_the_page_is_queued(
    school, coordinator, principal, client_for, django_capture_on_commit_callbacks
):
    """The page only asks for the PDF: the task is sent after the commit, never rendered in
    the request."""
    plan = submitted_plan(school, coordinator, principal)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(principal).post(reverse("applications:plan_pdf", args=[plan.pk]))
    document = GeneratedDocument.objects.get(kind="plan")
    assert (response.status_code, response["Location"]) == (302, f"/documents/{document.pk}/")
    assert (len(callbacks), document.status, document.target_id) == (1, "queued", plan.pk)
