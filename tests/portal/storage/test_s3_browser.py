"""In Chinese, through the pages, with private files on the object store (moto's server): a
coordinator attaches a PDF to the plan and downloads it again (Playwright + Chromium)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import PlanAttachment
from tests.applications.builders import started_plan
from tests.factories import UserFactory, evaluated_school, grant
from tests.portal.storage.conftest import a_pdf, keys, read

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("object-store"),
]


def test_attachment_uploaded_and_downloaded_through_the_pages_on_the_object_store(
    page, login, s3, tmp_path
):
    client, bucket_name = s3
    school = evaluated_school(scores=["91"] * 8, code="193402", name="國立物件儲存高級商業職業學校")
    coordinator = grant(UserFactory(username="s3-browser"), "coordinator", school=school)
    plan = started_plan(school, coordinator)
    content = a_pdf()
    upload = tmp_path / "實習工場配置圖.pdf"
    upload.write_bytes(content)

    login("s3-browser")
    page.goto(reverse("applications:attachments", args=[plan.pk]))
    page.get_by_label("檔案").set_input_files(upload)
    page.get_by_label("說明").fill("附件一：工場配置")
    page.get_by_role("button", name="上傳", exact=True).click()
    expect(page.get_by_text("已附加檔案。")).to_be_visible()

    attachment = PlanAttachment.objects.get(plan=plan)
    assert keys(client, bucket_name) == [attachment.file.name]
    assert read(client, bucket_name, attachment.file.name) == content

    with page.expect_download() as download:
        page.get_by_role("link", name="實習工場配置圖.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "實習工場配置圖.pdf"
    assert saved.read_bytes() == content
