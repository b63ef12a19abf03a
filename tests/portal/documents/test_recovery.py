"""No document stays "being made" after a crash: leases renewed by a heartbeat, a sweep in
every worker (and on the status page) that sends again what a dead worker held or a lost
message left waiting, claims under a row lock (never made twice), the true state on the
page and a retry button for a failed document."""

import datetime as dt
import os
import threading
import time

import pytest
from celery import signals
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.documents import recovery, services, tasks
from portal.documents.models import GeneratedDocument
from portal.documents.services import (
    MAX_ATTEMPTS,
    DocumentError,
    document_claim,
    document_generate,
    document_retry,
    documents_recover,
)

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a stand-in\n%%EOF\n"


@pytest.fixture
def sent(monkeypatch):
    ids = []
    monkeypatch.setattr(tasks.generate_document, "delay", ids.append)
    return ids


@pytest.fixture
def fake_renderer(monkeypatch):
    calls = []

    def render(template, context, *, language="zh-hant"):
        calls.append(context["school"].code)
        return FAKE_PDF

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


def _document(school, *, status="queued", **fields):
    return GeneratedDocument.objects.create(
        kind="school_profile",
        target_type=ContentType.objects.get_for_model(school),
        target_id=school.pk,
        status=status,
        **fields,
    )


def _ago(**delta):
    return timezone.now() - dt.timedelta(**delta)


def _running(school, *, heartbeat, attempts=1):
    return _document(
        school,
        status="running",
        started_at=heartbeat,
        heartbeat_at=heartbeat,
        attempts=attempts,
        lease="3f1b4c3e-0000-4000-8000-000000000001",
    )


# --- Claims -------------------------------------------------------------------------------


def test_claim_takes_a_queued_document_under_a_fresh_lease(school):
    document = _document(school)
    claimed, lease = document_claim(document_id=document.pk)
    assert lease is not None
    assert (claimed.status, claimed.attempts, claimed.lease) == ("running", 1, lease)
    assert claimed.heartbeat_at == claimed.started_at


def test_claim_leaves_a_document_whose_lease_is_renewed(school):
    """A live worker renewed its lease 10 s ago: nobody else makes the document."""
    held = _running(school, heartbeat=_ago(seconds=10))
    document, lease = document_claim(document_id=held.pk)
    assert lease is None
    assert (document.status, document.attempts) == ("running", 1)


def test_claim_takes_over_a_document_whose_heartbeat_stopped(school):
    abandoned = _running(school, heartbeat=_ago(seconds=46))
    document, lease = document_claim(document_id=abandoned.pk)
    assert lease is not None and str(lease) != "3f1b4c3e-0000-4000-8000-000000000001"
    assert (document.status, document.attempts) == ("running", 2)


@pytest.mark.parametrize("status", ["done", "failed"])
def test_claim_leaves_a_finished_document(school, status):
    document, lease = document_claim(document_id=_document(school, status=status).pk)
    assert (document.status, lease) == (status, None)


def test_claim_gives_up_on_a_document_workers_keep_dying_on(school):
    """Taken MAX_ATTEMPTS times and never finished: failed, not taken a fifth time."""
    abandoned = _running(school, heartbeat=_ago(minutes=5), attempts=MAX_ATTEMPTS)
    document, lease = document_claim(document_id=abandoned.pk)
    assert lease is None
    assert (document.status, document.attempts) == ("failed", MAX_ATTEMPTS)
    assert document.finished_at is not None


def test_result_of_a_lease_taken_over_is_thrown_away(school, monkeypatch):
    """Worker A is thought dead and B takes the document over; when A finishes after all,
    its copy is not saved: the document is made once, by B."""
    document = _document(school)

    def render_while_taken_over(template, context, *, language="zh-hant"):
        GeneratedDocument.objects.filter(pk=document.pk).update(
            lease="3f1b4c3e-0000-4000-8000-00000000000b"
        )
        return FAKE_PDF

    monkeypatch.setattr(services, "render_pdf", render_while_taken_over)
    document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert (document.status, document.file.name) == ("running", "")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    bool(os.environ.get("FAKETIME")),
    reason="libfaketime (make test-clock) breaks timed waits in threads; this test measures "
    "a heartbeat thread's timing and reads no date",
)
def test_heartbeat_renews_the_lease_while_rendering(school, monkeypatch, settings):
    settings.PORTAL_DOCUMENTS_HEARTBEAT_SECONDS = 0.2
    document = _document(school)
    beats = []

    def slow(template, context, *, language="zh-hant"):
        first = GeneratedDocument.objects.get(pk=document.pk).heartbeat_at
        time.sleep(1.0)
        beats.append((first, GeneratedDocument.objects.get(pk=document.pk).heartbeat_at))
        return FAKE_PDF

    monkeypatch.setattr(services, "render_pdf", slow)
    document_generate(document_id=document.pk)
    ((first, later),) = beats
    assert later > first
    document.refresh_from_db()
    assert (document.status, document.lease) == ("done", None)


# --- Failed attempts ----------------------------------------------------------------------


def test_a_failed_attempt_is_retrying_with_its_due_time(school, monkeypatch):
    document = _document(school)
    _, lease = document_claim(document_id=document.pk)
    status = services.document_attempt_failed(
        document_id=document.pk, lease=lease, error="OSError()", countdown=10
    )
    document.refresh_from_db()
    assert status == document.status == "retrying"
    assert (document.lease, document.error) == (None, "OSError()")
    assert document.due_at == pytest.approx(
        timezone.now() + dt.timedelta(seconds=10), abs=dt.timedelta(seconds=2)
    )


def test_a_failed_attempt_under_a_lost_lease_changes_nothing(school):
    held = _running(school, heartbeat=timezone.now())
    status = services.document_attempt_failed(
        document_id=held.pk, lease="3f1b4c3e-0000-4000-8000-00000000000b", error="x", countdown=10
    )
    held.refresh_from_db()
    assert (status, held.status) == (None, "running")


# --- Recovery -----------------------------------------------------------------------------


def test_recover_sends_again_what_a_dead_worker_held(
    school, sent, django_capture_on_commit_callbacks
):
    abandoned = _running(school, heartbeat=_ago(seconds=46))
    alive = _running(school, heartbeat=_ago(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_recover() == [abandoned.pk]
    assert sent == [abandoned.pk]
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.lease) == ("retrying", None)
    assert abandoned.error == "The worker making it stopped."
    alive.refresh_from_db()
    assert alive.status == "running"


def test_recover_sends_again_a_document_whose_message_was_lost(
    school, sent, django_capture_on_commit_callbacks
):
    """Waiting over 90 s past its due time (the worker that had its message died)."""
    lost = _document(school, due_at=_ago(seconds=91))
    lost_retry = _document(school, status="retrying", due_at=_ago(seconds=100))
    _document(school, due_at=_ago(seconds=60))  # within the grace: left to its message
    _document(school, status="retrying", due_at=timezone.now() + dt.timedelta(seconds=40))
    for status in ("done", "failed"):
        _document(school, status=status, due_at=_ago(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        recovered = documents_recover()
    assert sorted(recovered) == sorted(sent) == sorted([lost.pk, lost_retry.pk])
    lost.refresh_from_db()
    assert lost.status == "queued"


def test_recover_twice_sends_once(school, sent, django_capture_on_commit_callbacks):
    """Two sweepers (two workers) one after the other: the second finds nothing to send."""
    _running(school, heartbeat=_ago(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        first = documents_recover()
        second = documents_recover()
    assert (len(first), second, len(sent)) == (1, [], 1)


def test_recover_gives_up_after_the_attempts(school, sent, django_capture_on_commit_callbacks):
    abandoned = _running(school, heartbeat=_ago(minutes=2), attempts=MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_recover() == []
    abandoned.refresh_from_db()
    assert abandoned.status == "failed"
    assert sent == []


def test_recovered_document_is_made_with_one_attempt_more(
    school, fake_renderer, django_capture_on_commit_callbacks
):
    abandoned = _running(school, heartbeat=_ago(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        documents_recover()
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.attempts, abandoned.error) == ("done", 2, "")
    assert fake_renderer == [school.code]


def test_requeue_stale_task_is_the_same_sweep(school, sent, django_capture_on_commit_callbacks):
    lost = _document(school, due_at=_ago(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_documents.apply().get() == [lost.pk]
    assert sent == [lost.pk]


# --- The sweeper in every worker ----------------------------------------------------------


def test_worker_ready_starts_the_sweeper_and_shutdown_stops_it(monkeypatch, settings):
    """A plain ``celery -A portal worker`` sweeps as soon as it is ready, then every
    PORTAL_DOCUMENTS_SWEEP_SECONDS, with no beat."""
    settings.PORTAL_DOCUMENTS_SWEEP_SECONDS = 0.05
    swept = threading.Event()
    calls = []

    def sweep(**kwargs):
        calls.append(1)
        if len(calls) >= 3:
            swept.set()
        return []

    monkeypatch.setattr(services, "documents_recover", sweep)
    signals.worker_ready.send(sender=None)
    try:
        assert swept.wait(5)
        assert recovery._sweeper is not None and recovery._sweeper.is_alive()
    finally:
        signals.worker_shutdown.send(sender=None)
    assert recovery._sweeper is None


# --- The page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("queued", "The PDF is queued"),
        ("running", "The PDF is being generated"),
        ("retrying", "trying again (attempt 2)"),
        ("failed", "Try again"),
    ],
)
def test_status_shows_the_true_state(client_for, coordinator, school, status, text, settings):
    settings.LANGUAGE_CODE = "en"
    document = _document(
        school, status=status, attempts=1, heartbeat_at=timezone.now(), due_at=timezone.now()
    )
    response = client_for(coordinator).get(
        reverse("documents:status", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.context["document"].status == status
    assert text in html
    assert ("hx-trigger" in html) is (status != "failed")
    assert (reverse("documents:retry", args=[document.pk]) in html) is (status == "failed")


def test_status_page_recovers_a_document_whose_worker_died(
    client_for, coordinator, school, sent, django_capture_on_commit_callbacks
):
    abandoned = _running(school, heartbeat=_ago(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).get(reverse("documents:status", args=[abandoned.pk]))
    assert response.context["document"].status == "retrying"
    assert sent == [abandoned.pk]


def test_retry_button_queues_a_failed_document_again(
    client_for, coordinator, school, sent, django_capture_on_commit_callbacks
):
    failed = _document(
        school, status="failed", attempts=MAX_ATTEMPTS, error="boom", finished_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("documents:retry", args=[failed.pk]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert response.context["document"].status == "queued"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error, failed.finished_at) == (
        "queued",
        0,
        "",
        None,
    )
    assert sent == [failed.pk]
    entry = AuditEntry.objects.get(action="document.retry")
    assert (entry.actor, entry.school, entry.target_id) == (coordinator, school, str(failed.pk))


def test_retry_without_htmx_redirects_to_the_document(
    client_for, coordinator, school, sent, django_capture_on_commit_callbacks
):
    failed = _document(school, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("documents:retry", args=[failed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[failed.pk])


@pytest.mark.parametrize("status", ["queued", "running", "retrying", "done"])
def test_retry_refused_unless_failed(school, coordinator, sent, status):
    document = _document(school, status=status, heartbeat_at=timezone.now())
    with pytest.raises(DocumentError):
        document_retry(document=document, by=coordinator)
    document.refresh_from_db()
    assert document.status == status
    assert sent == []
    assert not AuditEntry.objects.filter(action="document.retry").exists()


def test_retry_refused_to_another_schools_coordinator(client_for, other_coordinator, school, sent):
    failed = _document(school, status="failed")
    response = client_for(other_coordinator).post(reverse("documents:retry", args=[failed.pk]))
    assert response.status_code == 404
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_retry_refused_to_a_role_that_cannot_see_the_school(client_for, nobody, school, sent):
    failed = _document(school, status="failed")
    assert client_for(nobody).post(reverse("documents:retry", args=[failed.pk])).status_code == 404


def test_retry_anonymous_redirected_to_login(client, school):
    failed = _document(school, status="failed")
    response = client.post(reverse("documents:retry", args=[failed.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_retry_is_post_only(client_for, coordinator, school):
    failed = _document(school, status="failed")
    assert (
        client_for(coordinator).get(reverse("documents:retry", args=[failed.pk])).status_code == 405
    )
