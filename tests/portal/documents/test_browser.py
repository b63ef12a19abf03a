"""Browser: a document that could not be generated is tried again from its page, and the
page follows it to the download — in Chinese."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.documents import services
from portal.documents.models import GeneratedDocument
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_failed_document_tried_again_then_downloaded(page, login, school, monkeypatch):
    monkeypatch.setattr(
        services, "render_pdf", lambda template, context, **kw: b"%PDF-1.7\n%%EOF\n"
    )
    coordinator = grant(UserFactory(username="b-school"), "coordinator", school=school)
    document = GeneratedDocument.objects.create(
        kind="school_profile",
        target_type=ContentType.objects.get_for_model(school),
        target_id=school.pk,
        status="failed",
        attempts=4,
        error="RuntimeError('boom')",
        finished_at=timezone.now(),
        requested_by=coordinator,
    )
    login(coordinator.username)
    page.goto(f"/documents/{document.pk}/")
    status = page.locator(f"#document-{document.pk}")
    assert status.get_attribute("data-status") == "failed"
    assert "PDF 產製失敗" in status.inner_text()
    page.get_by_role("button", name="再試一次").click()
    page.get_by_role("link", name="下載").wait_for()
    assert status.get_attribute("data-status") == "done"
    document.refresh_from_db()
    assert (document.status, document.attempts) == ("done", 1)
    assert "boom" not in page.content()
