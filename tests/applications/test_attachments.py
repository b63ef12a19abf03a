"""Attachments: PDF and images only, checked by content, size-capped, downloaded only by those
who may see the plan, and kept when removed."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override

from applications import services
from applications.enums import PlanStatus
from applications.models import PlanAttachment
from applications.services import PlanError
from portal.audit.models import AuditEntry
from tests.applications.builders import complete_plan, plan_in, started_plan
from tests.applications.html import page_text
from tests.uploads import JPEG, PDF, PNG

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def plan(school, coordinator):
    return started_plan(school, coordinator)


def attach(plan, by, name="校務發展計畫.pdf", content=PDF, description="附件一"):
    return services.attachment_add(
        plan=plan, upload=upload(name, content), description=description, by=by
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("校務發展計畫.pdf", PDF, "application/pdf"),
        ("實習工場.PNG", PNG, "image/png"),
        ("成果照片.jpg", JPEG, "image/jpeg"),
        ("成果照片.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_attachment_add_pdf_and_images_accepted(plan, coordinator, name, content, content_type):
    attachment = attach(plan, coordinator, name, content)
    attachment.refresh_from_db()
    assert (
        attachment.original_name,
        attachment.content_type,
        attachment.size,
        attachment.description,
        attachment.uploaded_by,
        attachment.removed_at,
    ) == (name, content_type, len(content), "附件一", coordinator, None)
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    entry = AuditEntry.objects.get(action="plan.attachment.add")
    assert entry.after == {"file": name, "size": len(content)}


@pytest.mark.parametrize("name", ["setup.exe", "計畫書.docx", "沒有副檔名", "script.pdf.exe"])
def test_attachment_add_other_file_types_refused(plan, coordinator, name):
    with override("en"), pytest.raises(ValidationError) as refused:
        attach(plan, coordinator, name, b"MZ\x90\x00" + b"\x00" * 20)
    assert refused.value.message_dict == {
        "file": ["Only PDF files and PNG or JPEG images can be attached."]
    }
    assert PlanAttachment.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("計畫書.pdf", b"MZ\x90\x00 an executable", "The file's content is not a PDF file."),
        ("計畫書.pdf", b"<html>not a pdf</html>", "The file's content is not a PDF file."),
        ("照片.png", JPEG, "The file's content is not a PNG file."),
        ("照片.jpg", PNG, "The file's content is not a JPG file."),
    ],
)
def test_attachment_add_content_not_matching_extension_refused(
    plan, coordinator, name, content, message
):
    with override("en"), pytest.raises(ValidationError) as refused:
        attach(plan, coordinator, name, content)
    assert refused.value.message_dict == {"file": [message]}
    assert PlanAttachment.objects.count() == 0


def test_attachment_add_over_size_cap_refused(plan, coordinator, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    big = PDF + b"0" * (2 * 1024 * 1024 - len(PDF) + 1)
    with override("en"), pytest.raises(ValidationError) as refused:
        attach(plan, coordinator, "大檔案.pdf", big)
    assert refused.value.message_dict == {"file": ["The file is larger than 2.0\xa0MB."]}
    assert PlanAttachment.objects.count() == 0


def test_attachment_add_exactly_at_size_cap_accepted(plan, coordinator, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    exact = PDF + b"0" * (2 * 1024 * 1024 - len(PDF))
    assert attach(plan, coordinator, "剛好.pdf", exact).size == 2 * 1024 * 1024


def test_attachment_add_submitted_plan_refused(school, coordinator, principal, ministry):
    plan = plan_in(
        PlanStatus.SUBMITTED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    with pytest.raises(PlanError):
        attach(plan, coordinator)


def test_attachment_remove_keeps_the_row_and_file(plan, coordinator, client_for):
    attachment = attach(plan, coordinator)
    services.attachment_remove(plan=plan, attachment=attachment, by=coordinator)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)
    assert AuditEntry.objects.get(action="plan.attachment.remove").before == {
        "file": "校務發展計畫.pdf"
    }
    response = client_for(coordinator).get(reverse("applications:attachments", args=[plan.pk]))
    assert "校務發展計畫.pdf" not in page_text(response.content)


def test_attachment_removed_is_downloadable_by_the_ministry_only(
    plan, coordinator, ministry, client_for
):
    """A file the school removed (uploaded by mistake) is no longer served to the school or
    anyone else who may see the plan; the ministry keeps access to the record."""
    attachment = attach(plan, coordinator)
    services.attachment_remove(plan=plan, attachment=attachment, by=coordinator)
    url = reverse("applications:attachment_download", args=[plan.pk, attachment.pk])
    assert client_for(coordinator).get(url).status_code == 404
    assert client_for(ministry).get(url).status_code == 200


def test_attachment_removed_after_submission_stays_in_the_version(
    school, coordinator, principal, ministry
):
    plan = started_plan(school, coordinator)
    complete_plan(plan, coordinator)
    attachment = attach(plan, coordinator)
    services.plan_send_to_principal(plan=plan, by=coordinator)
    services.plan_principal_approve(plan=plan, by=principal)
    plan = services.plan_return(plan=plan, by=ministry, comment="請更新附件。")
    services.attachment_remove(plan=plan, attachment=attachment, by=coordinator)
    assert plan.versions.get().snapshot["attachments"] == [
        {"id": attachment.pk, "name": "校務發展計畫.pdf", "size": len(PDF)}
    ]
    assert PlanAttachment.objects.filter(pk=attachment.pk, removed_at__isnull=False).count() == 1


# --- The pages ---------------------------------------------------------------------------------


def test_attachments_page_upload_then_list(plan, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("applications:attachments", args=[plan.pk])
    response = client.post(url, {"file": upload("校務發展計畫.pdf", PDF), "description": "附件一"})
    assert response.status_code == 302
    assert "校務發展計畫.pdf" in page_text(client.get(url).content)


def test_attachments_page_exe_refused_with_message(plan, coordinator, client_for):
    url = reverse("applications:attachments", args=[plan.pk])
    response = client_for(coordinator).post(url, {"file": upload("setup.exe", b"MZ")})
    assert response.status_code == 200
    assert "僅能附加 PDF 檔及 PNG 或 JPEG 圖檔。" in page_text(response.content)
    assert PlanAttachment.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("principal", 200),
        ("ministry", 200),
        ("other_coordinator", 404),
        ("committee_member", 404),
        ("inspector", 404),  # the plan is not approved: not yet the inspector's business
    ],
)
def test_attachment_download_only_by_those_who_see_the_plan(
    request, plan, coordinator, client_for, who, status
):
    attachment = attach(plan, coordinator)
    user = request.getfixturevalue(who)
    response = client_for(user).get(
        reverse("applications:attachment_download", args=[plan.pk, attachment.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"].startswith("attachment;")


def test_attachment_download_anonymous_sent_to_log_in(plan, coordinator, client):
    attachment = attach(plan, coordinator)
    url = reverse("applications:attachment_download", args=[plan.pk, attachment.pk])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_attachment_download_through_another_plan_404(
    plan, coordinator, other_school, other_coordinator, client_for
):
    """An attachment id under another plan's address is not found, even for a viewer of both."""
    attachment = attach(plan, coordinator)
    other_plan = started_plan(other_school, other_coordinator)
    response = client_for(coordinator).get(
        reverse("applications:attachment_download", args=[other_plan.pk, attachment.pk])
    )
    assert response.status_code == 404


def test_attachment_download_inspector_of_county_once_approved(
    school, coordinator, principal, ministry, inspector, client_for
):
    plan = plan_in(
        PlanStatus.UNDER_REVIEW,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    attachment = PlanAttachment.objects.create(
        plan=plan,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=coordinator,
    )
    url = reverse("applications:attachment_download", args=[plan.pk, attachment.pk])
    assert client_for(inspector).get(url).status_code == 404
    services.plan_decide(plan=plan, approve=True, by=ministry)
    assert client_for(inspector).get(url).status_code == 200
