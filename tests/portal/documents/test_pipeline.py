"""The document pipeline: requesting (idempotent, enqueued on commit), generating in a task
(idempotent, retried, failing cleanly), the school profile PDF itself, and private downloads."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from portal.audit.models import AuditEntry
from portal.documents import services, tasks
from portal.documents.models import GeneratedDocument
from portal.documents.services import DocumentError, document_request
from portal.documents.tasks import generate_document
from tests.factories import evaluated_school

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a stand-in for a rendered file\n%%EOF\n"
A4 = (595.28, 841.89)


# --- Helpers -------------------------------------------------------------------------


@pytest.fixture
def fake_renderer(monkeypatch):
    """Render instantly; record which school each rendering was for."""
    calls = []

    def render(template, context, *, language="zh-hant"):
        calls.append(context["school"].code)
        return FAKE_PDF

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


@pytest.fixture
def sent(monkeypatch):
    """Record the ids sent to the queue instead of running the task."""
    ids = []
    monkeypatch.setattr(tasks.generate_document, "delay", ids.append)
    return ids


def _new_document(school, *, status="queued", by=None, **fields):
    return GeneratedDocument.objects.create(
        kind="school_profile",
        target_type=ContentType.objects.get_for_model(school),
        target_id=school.pk,
        status=status,
        requested_by=by,
        **fields,
    )


def _done_document(school, content=FAKE_PDF):
    document = _new_document(school)
    document.file.save("193000-學校基本資料-20250401.pdf", ContentFile(content), save=False)
    document.file_name = "193000-學校基本資料-20250401.pdf"
    document.status = "done"
    document.finished_at = timezone.now()
    document.save()
    return document


def _age(document, **delta):
    """Move a document's request (and start) back in time."""
    past = timezone.now() - dt.timedelta(**delta)
    GeneratedDocument.objects.filter(pk=document.pk).update(created_at=past)
    if document.started_at:
        GeneratedDocument.objects.filter(pk=document.pk).update(started_at=past)


# --- Requesting -----------------------------------------------------------------------------


def test_document_request_enqueues_only_after_commit(
    school, coordinator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        document = document_request(kind="school_profile", target=school, by=coordinator)
        assert sent == []
    assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [document.pk]
    assert (document.status, document.requested_by) == ("queued", coordinator)
    entry = AuditEntry.objects.get(action="document.request")
    assert (entry.actor, entry.school, entry.target_id) == (coordinator, school, str(document.pk))
    assert entry.after == {"kind": "school_profile", "target": school.name}


def test_requests_made_while_held_are_recorded_and_not_sent(
    school, coordinator, sent, django_capture_on_commit_callbacks
):
    """``requests_not_sent`` (a data load, the benchmark's timing): the request is recorded
    and queued as ever, nothing is sent; after it, requests are sent again."""
    from portal.documents.services import requests_not_sent

    with requests_not_sent(), django_capture_on_commit_callbacks(execute=True):
        held = document_request(kind="school_profile", target=school, by=coordinator)
    assert sent == [] and held.status == "queued"
    held.status = "done"
    held.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    assert sent == [document.pk]


def test_document_request_rolled_back_enqueues_nothing(
    school, coordinator, sent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        document_request(kind="school_profile", target=school, by=coordinator)
        1 / 0  # noqa: B018 - the surrounding change fails
    assert callbacks == []
    assert sent == []
    assert GeneratedDocument.objects.count() == 0
    assert AuditEntry.objects.filter(action="document.request").count() == 0


@pytest.mark.parametrize("status", ["queued", "running"])
def test_document_request_idempotent_while_in_flight(
    school, coordinator, principal, sent, django_capture_on_commit_callbacks, status
):
    """Asking again while one's own document is in flight returns it; another person gets
    a document of their own (whose request it was is not for everyone to see)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = document_request(kind="school_profile", target=school, by=coordinator)
        GeneratedDocument.objects.filter(pk=first.pk).update(status=status)
        again = document_request(kind="school_profile", target=school, by=coordinator)
        theirs = document_request(kind="school_profile", target=school, by=principal)
    assert again.pk == first.pk
    assert theirs.pk != first.pk
    assert len(callbacks) == 2
    assert sent == [first.pk, theirs.pk]
    assert GeneratedDocument.objects.count() == 2
    assert AuditEntry.objects.filter(action="document.request").count() == 2


@pytest.mark.parametrize("status", ["done", "failed"])
def test_document_request_after_a_finished_one_makes_a_new_one(
    school, coordinator, sent, django_capture_on_commit_callbacks, status
):
    finished = _new_document(school, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    assert document.pk != finished.pk
    assert sent == [document.pk]


def test_document_request_per_school(
    school, other_school, coordinator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = document_request(kind="school_profile", target=school, by=coordinator)
        second = document_request(kind="school_profile", target=other_school, by=coordinator)
    assert sent == [first.pk, second.pk]


def test_document_request_unknown_kind_refused(school, coordinator, sent):
    with pytest.raises(DocumentError):
        document_request(kind="no_such_kind", target=school, by=coordinator)
    assert GeneratedDocument.objects.count() == 0


# --- Generating -------------------------------------------------------------------------------


def test_generate_task_marks_done_with_the_file(
    school, coordinator, fake_renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    document.refresh_from_db()
    assert fake_renderer == [school.code]
    assert (document.status, document.attempts, document.error) == ("done", 1, "")
    assert document.file_name == f"{school.code}-學校基本資料-1151116.pdf"
    assert document.file.read() == FAKE_PDF
    assert document.started_at <= document.finished_at


def test_generate_task_idempotent_for_a_done_document(
    school, coordinator, fake_renderer, django_capture_on_commit_callbacks
):
    """A done document is not rendered again when its message arrives twice."""
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    document.refresh_from_db()
    generate_document.apply(args=[document.pk])
    again = GeneratedDocument.objects.get(pk=document.pk)
    assert fake_renderer == [school.code]
    assert (again.status, again.attempts, again.file.name) == ("done", 1, document.file.name)


def test_generate_task_leaves_a_document_another_worker_holds(school, fake_renderer):
    held = _new_document(school, status="running", started_at=timezone.now())
    generate_document.apply(args=[held.pk])
    held.refresh_from_db()
    assert fake_renderer == []
    assert (held.status, held.attempts) == ("running", 0)


def test_generate_task_takes_over_a_stale_running_document(school, fake_renderer):
    stale = _new_document(
        school, status="running", started_at=timezone.now() - dt.timedelta(minutes=16)
    )
    generate_document.apply(args=[stale.pk])
    stale.refresh_from_db()
    assert fake_renderer == [school.code]
    assert (stale.status, stale.attempts) == ("done", 1)


def test_generate_task_missing_document_does_nothing(fake_renderer):
    generate_document.apply(args=[987654])
    assert fake_renderer == []


def test_generate_task_marks_failed_after_its_retries(
    monkeypatch, school, coordinator, django_capture_on_commit_callbacks
):
    """Rendering that keeps failing: 1 try + 3 retries, then failed, with the error kept."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    document.refresh_from_db()
    assert (document.status, document.attempts, document.error) == (
        "failed",
        tasks.MAX_RETRIES + 1,
        "RuntimeError('boom')",
    )
    assert document.finished_at is not None
    assert document.file.name == ""


def test_generate_task_succeeds_on_retry(
    monkeypatch, school, coordinator, django_capture_on_commit_callbacks
):
    attempts = []

    def flaky(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("font cache busy")
        return FAKE_PDF

    monkeypatch.setattr(services, "render_pdf", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    document.refresh_from_db()
    assert (document.status, document.attempts, document.error) == ("done", 2, "")


def test_requeue_stale_documents_task_returns_the_ids(school, sent):
    old_queued = _new_document(school)
    _age(old_queued, hours=1)
    assert tasks.requeue_stale_documents.apply().get() == [old_queued.pk]


# --- The school profile PDF -----------------------------------------------------------------


@pytest.fixture(scope="module")
def profile_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """The school profile PDF as the task renders it, once for the whole module."""
    location = tmp_path_factory.mktemp("private")
    storages = {
        **settings.STORAGES,
        "private": {
            "BACKEND": settings.STORAGES["private"]["BACKEND"],
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages),
        transaction.atomic(),
    ):
        school = evaluated_school(
            scores=["93.50", "91.20", "92.80", "90.40", "89.60", "94.10", "88.70", "92.30"],
            code="193404",
            name="國立臺中高級工業職業學校",
        )
        document = _new_document(school)
        generate_document.apply(args=[document.pk])
        document.refresh_from_db()
        result = {
            "status": document.status,
            "error": document.error,
            "data": document.file.read(),
        }
        transaction.set_rollback(True)
    return result


@pytest.fixture(scope="module")
def pdf(profile_pdf):
    assert (profile_pdf["status"], profile_pdf["error"]) == ("done", "")
    return PdfReader(io.BytesIO(profile_pdf["data"]))


def _fonts(page):
    fonts = page["/Resources"]["/Font"]
    return [fonts[name].get_object() for name in fonts]


def _descendant(font):
    return font["/DescendantFonts"][0].get_object()


def _font_program(font):
    descriptor = _descendant(font)["/FontDescriptor"].get_object()
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    return TTFont(io.BytesIO(stream.get_object().get_data()))


def test_profile_pdf_is_a_pdf(profile_pdf):
    assert profile_pdf["data"][:5] == b"%PDF-"


def test_profile_pdf_pages_are_a4(pdf):
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) <= 1
        assert abs(height - 842) <= 1


def test_profile_pdf_fonts_are_embedded(pdf):
    """Every font is embedded: a FontFile2/FontFile3 stream under the descendant font's
    FontDescriptor, not a name the reader has to find on its own."""
    for page in pdf.pages:
        for font in _fonts(page):
            assert font["/Subtype"] == "/Type0"
            descriptor = _descendant(font)["/FontDescriptor"].get_object()
            embedded = [key for key in ("/FontFile2", "/FontFile3") if key in descriptor]
            assert len(embedded) == 1


def test_profile_pdf_font_is_noto_sans_tc(pdf):
    """The base font is the vendored Noto Sans TC (a subset: ABCDEF+ prefix)."""
    names = {
        str(font["/BaseFont"]).lstrip("/").split("+", 1)[1]
        for page in pdf.pages
        for font in _fonts(page)
    }
    assert names == {"Noto-Sans-TC", "Noto-Sans-TC-Bold"}


def test_profile_pdf_font_has_glyphs_for_the_text(pdf):
    """The embedded font program maps the page's characters to real glyphs (text extraction
    alone passes even when they print as empty boxes)."""
    page = pdf.pages[0]
    text = page.extract_text()
    programs = [_font_program(font) for font in _fonts(page)]
    # For each embedded font: the characters it maps to a glyph that has outlines.
    drawable = [
        {
            chr(code)
            for code, glyph in program.getBestCmap().items()
            if program["glyf"][glyph].numberOfContours > 0
        }
        for program in programs
    ]

    def drawn(char):
        return any(char in chars for chars in drawable)

    for char in "學校評鑑":
        assert char in text
        assert drawn(char) is True, char
    cjk = sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})
    assert [c for c in cjk if not drawn(c)] == []
    assert len(cjk) > 20


def test_profile_pdf_has_the_school(pdf):
    text = pdf.pages[0].extract_text()
    assert "國立臺中高級工業職業學校" in text
    assert "193404" in text


def test_profile_pdf_pages_are_numbered(pdf):
    """Each page says 第 i 頁／共 N 頁 with N the real page count."""
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, 1):
        footers = re.findall(r"第 (\d+) 頁／共 (\d+) 頁", page.extract_text())
        assert footers == [(str(number), str(total))]


# --- Downloads: private files -------------------------------------------------------------------


def _download(client, document):
    return client.get(reverse("documents:download", args=[document.pk]))


@pytest.mark.parametrize("role", ["coordinator", "principal", "inspector", "ministry"])
def test_document_download_by_those_who_see_the_school(client_for, role_users, school, role):
    document = _done_document(school)
    response = _download(client_for(role_users[role]), document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition_header(
        True, "193000-學校基本資料-20250401.pdf"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == FAKE_PDF


@pytest.mark.parametrize("role", ["committee", "advisor", "panel"])
def test_document_download_refused_to_other_roles_as_not_found(
    client_for, role_users, school, role
):
    document = _done_document(school)
    assert _download(client_for(role_users[role]), document).status_code == 404


def test_document_download_refused_to_another_schools_coordinator(
    client_for, other_coordinator, far_coordinator, school
):
    document = _done_document(school)
    assert _download(client_for(other_coordinator), document).status_code == 404
    assert _download(client_for(far_coordinator), document).status_code == 404


def test_document_download_refused_to_an_inspector_of_another_county(
    client_for, inspector, far_school
):
    document = _done_document(far_school)
    assert _download(client_for(inspector), document).status_code == 404


def test_document_download_anonymous_redirected_to_login(client, school):
    document = _done_document(school)
    response = _download(client, document)
    url = reverse("documents:download", args=[document.pk])
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_document_download_not_done_is_not_found(client_for, coordinator, school, status):
    document = _new_document(school, status=status)
    assert _download(client_for(coordinator), document).status_code == 404


def test_document_file_has_no_public_url(client_for, ministry, school):
    """The file lives in private storage with no base URL; no route serves its path."""
    document = _done_document(school)
    assert document.file.storage.base_url is None
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018
    client = client_for(ministry)
    for path in (f"/{document.file.name}", f"/media/{document.file.name}"):
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.get(path).status_code == 404


# --- Status and the request page -------------------------------------------------------------


def test_document_status_polls_until_done(
    client_for, coordinator, school, fake_renderer, django_capture_on_commit_callbacks
):
    """The status fragment asks to be fetched again (hx-trigger) until the file is ready."""
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("schools:profile_pdf", args=[school.code]), HTTP_HX_REQUEST="true"
        )
    document = GeneratedDocument.objects.get()
    status_url = reverse("documents:status", args=[document.pk])
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["documents/_status.html"]
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{status_url}"' in html

    queued = client.get(status_url)
    assert queued.context["document"].status == "queued"
    assert 'hx-trigger="every 2s"' in queued.content.decode()

    for callback in callbacks:
        callback()
    done = client.get(status_url)
    html = done.content.decode()
    assert done.context["document"].status == "done"
    assert "hx-trigger" not in html
    assert reverse("documents:download", args=[document.pk]) in html


def test_document_status_failed_stops_polling(client_for, coordinator, school):
    document = _new_document(school, status="failed", error="RuntimeError('boom')")
    response = client_for(coordinator).get(reverse("documents:status", args=[document.pk]))
    assert response.context["document"].status == "failed"
    assert "hx-trigger" not in response.content.decode()


def test_profile_pdf_request_without_htmx_redirects_to_the_document(
    client_for, coordinator, school, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("schools:profile_pdf", args=[school.code]))
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    assert sent == [document.pk]
    assert document.requested_by == coordinator


def test_profile_pdf_request_twice_gives_the_same_document(
    client_for, coordinator, school, sent, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("schools:profile_pdf", args=[school.code]))
        second = client.post(reverse("schools:profile_pdf", args=[school.code]))
    assert first["Location"] == second["Location"]
    assert GeneratedDocument.objects.count() == 1
    assert len(sent) == 1


def test_document_detail_shows_the_school(client_for, coordinator, school):
    document = _new_document(school)
    response = client_for(coordinator).get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 200
    assert response.context["target"] == school
    assert response.context["kind"].key == "school_profile"
