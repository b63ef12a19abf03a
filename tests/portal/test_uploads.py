"""Files by content: every upload is parsed as the kind its name claims, and refused with a
clear message when it is not, including files that are two kinds at once."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override
from openpyxl import Workbook

from portal.uploads import check_content, checked_upload
from tests.uploads import JPEG, PDF, PNG

OFFICE = (".xlsx", ".docx", ".csv")
NOT_PDF = "The file's content is not a PDF file."
NOT_PNG = "The file's content is not a PNG file."
NOT_JPG = "The file's content is not a JPG file."


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


DOCX = _zip(
    {
        "[Content_Types].xml": '<Types><Override PartName="/word/document.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>",
        "word/document.xml": "<document/>",
    }
)


def refusal(name, data, allowed=None):
    upload = SimpleUploadedFile(name, data)
    with override("en"), pytest.raises(ValidationError) as excinfo:
        if allowed:
            check_content(upload, allowed=allowed, max_bytes=10 * 1024 * 1024)
        else:
            checked_upload(upload)
    return excinfo.value.message_dict["file"]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("計畫書.pdf", PDF, (".pdf", "application/pdf")),
        ("照片.png", PNG, (".png", "image/png")),
        ("照片.JPG", JPEG, (".jpg", "image/jpeg")),
        ("照片.jpeg", JPEG, (".jpeg", "image/jpeg")),
    ],
)
def test_upload_real_files_accepted(name, data, expected):
    assert checked_upload(SimpleUploadedFile(name, data)) == expected


def test_upload_office_files_accepted():
    allowed = OFFICE
    xlsx = SimpleUploadedFile("預算.xlsx", _xlsx())
    docx = SimpleUploadedFile("說明.docx", DOCX)
    csv = SimpleUploadedFile("名冊.csv", "代碼,學校名稱\n193404,臺中高工\n".encode("cp950"))
    assert [check_content(f, allowed=allowed, max_bytes=10**7)[0] for f in (xlsx, docx, csv)] == [
        ".xlsx",
        ".docx",
        ".csv",
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # A PDF header on a ZIP archive: a PDF/ZIP polyglot.
        ("計畫書.pdf", b"%PDF-1.7\n" + _zip({"a.txt": "x"}), NOT_PDF),
        # A real PDF with a ZIP archive appended: readable as both.
        ("計畫書.pdf", PDF + _zip({"a.txt": "x"}), NOT_PDF),
        # The PNG signature, then garbage.
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, NOT_PNG),
        # A PNG header whose image data is cut off.
        ("照片.png", PNG[:40], NOT_PNG),
        # A JPEG start, then garbage.
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 10, NOT_JPG),
        # An HTML page renamed .pdf.
        ("計畫書.pdf", b"<html><script>alert(1)</script></html>", NOT_PDF),
        # A PDF header on garbage.
        ("計畫書.pdf", b"%PDF-1.7\n" + b"garbage " * 20, NOT_PDF),
        # A PNG named .jpg.
        ("照片.jpg", PNG, NOT_JPG),
        # A PNG image with a ZIP archive appended.
        ("照片.png", PNG + _zip({"a.txt": "x"}), NOT_PNG),
    ],
    ids=["pdf-zip", "pdf-plus-zip", "png-garbage", "png-cut", "jpeg-garbage", "html-as-pdf",
         "pdf-garbage", "png-as-jpg", "png-plus-zip"],
)  # fmt: skip
def test_upload_polyglot_and_disguised_files_refused(name, data, message):
    assert refusal(name, data) == [message]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("預算.xlsx", PDF, "The file's content is not a XLSX file."),
        ("預算.xlsx", _zip({"a.txt": "x"}), "The file's content is not a XLSX file."),
        ("預算.xlsx", DOCX, "The file's content is not a XLSX file."),
        ("說明.docx", _xlsx(), "The file's content is not a DOCX file."),
        ("名冊.csv", PDF, "The file's content is not a CSV file."),
        ("名冊.csv", b"\xff\xfe\x00\x00binary", "The file's content is not a CSV file."),
        ("名冊.csv", b"\xff\xfe\xff", "The file is neither UTF-8 nor Big5 text."),
    ],
)
def test_upload_office_files_by_content(name, data, message):
    assert refusal(name, data, allowed=OFFICE) == [message]


def test_upload_other_kinds_refused_with_what_is_accepted():
    assert refusal("程式.exe", b"MZ") == ["Only PDF files and PNG or JPEG images can be attached."]
    assert refusal("程式.html", b"<html>", allowed=OFFICE) == [
        "Only these files are accepted: Excel、Word、CSV."
    ]


@pytest.mark.django_db
def test_upload_polyglot_attachment_refused_through_the_page(
    school, coordinator, client_for, settings
):
    from django.urls import reverse

    from applications.models import PlanAttachment
    from tests.applications.builders import started_plan
    from tests.applications.html import page_text

    plan = started_plan(school, coordinator)
    response = client_for(coordinator).post(
        reverse("applications:attachments", args=[plan.pk]),
        {
            "file": SimpleUploadedFile("計畫書.pdf", b"%PDF-1.7\n" + _zip({"a.txt": "x"})),
            "description": "附件一",
        },
    )
    assert "檔案內容不是 PDF 檔。" in page_text(response.content)
    assert PlanAttachment.objects.count() == 0


@pytest.mark.django_db
def test_upload_polyglot_workbook_refused_at_import(school, coordinator, client_for):
    from django.urls import reverse

    from portal.imports.models import ImportJob
    from tests.applications.builders import started_plan
    from tests.applications.html import page_text

    plan = started_plan(school, coordinator)
    response = client_for(coordinator).post(
        reverse("applications:budget_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("預算.xlsx", PDF), "replace": "on"},
    )
    assert "檔案內容不是 XLSX 檔。" in page_text(response.content)
    assert ImportJob.objects.count() == 0
