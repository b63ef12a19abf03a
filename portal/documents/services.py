"""Requesting and generating documents. Rendering happens in a Celery task, never in a request."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record
from portal.rules import school_of

from .enums import IN_FLIGHT, WAITING, DocumentStatus
from .models import GeneratedDocument
from .pdf import render_pdf
from .registry import get_kind

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
"""One try and three retries; a document workers keep dying on fails after as many."""


class DocumentError(Exception):
    pass


def document_request(*, kind: str, target, by) -> GeneratedDocument:
    """Queue a document for ``target``; the task is sent only once the transaction commits.

    Asking again while one of yours is queued or being generated returns that one; every
    person gets their own document (whose request it was is not for everyone to see).
    """

    spec = get_kind(kind)
    if spec is None:
        raise DocumentError(f"Unknown document kind {kind!r}")
    target_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        existing = (
            GeneratedDocument.objects.select_for_update()
            .filter(
                target_type=target_type,
                target_id=target.pk,
                kind=kind,
                status__in=IN_FLIGHT,
                requested_by=by,
            )
            .first()
        )
        if existing:
            return existing
        document = GeneratedDocument.objects.create(
            kind=kind,
            target_type=target_type,
            target_id=target.pk,
            requested_by=by,
        )
        audit_record(
            actor=by,
            action="document.request",
            target=document,
            school=school_of(target),
            after={"kind": kind, "target": str(target)},
        )
        transaction.on_commit(partial(_enqueue, document.pk))
    return document


#: While true, requests are recorded but not sent (see ``requests_not_sent``).
_HOLD = False


@contextmanager
def requests_not_sent():
    """Documents requested inside are recorded (queued, as a request is) but not sent to be
    made: for a data load that requests thousands (the scale seed) or a process that makes
    them itself (the benchmark's timing). Holds in processes forked inside it too."""
    global _HOLD
    held, _HOLD = _HOLD, True
    try:
        yield
    finally:
        _HOLD = held


def _enqueue(document_id: int) -> None:
    """Send the task to the broker; without one, render in a background thread, so that
    the page can show progress while the PDF is made."""
    from .tasks import generate_document

    if _HOLD:
        return
    if getattr(settings, "PORTAL_DOCUMENTS_IN_THREAD", False):
        threading.Thread(target=_render_in_thread, args=(document_id,), daemon=True).start()
    else:
        generate_document.delay(document_id)


def _render_in_thread(document_id: int) -> None:
    from django.db import connection

    from .tasks import generate_document

    try:
        generate_document.apply(args=(document_id,))
    finally:
        connection.close()


def _setting_seconds(name: str, default: int) -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, name, default))


def heartbeat_every() -> dt.timedelta:
    """How often a worker making a document renews its lease."""
    return _setting_seconds("PORTAL_DOCUMENTS_HEARTBEAT_SECONDS", 10)


def lease_timeout() -> dt.timedelta:
    """A lease not renewed for this long belongs to a worker that died."""
    return _setting_seconds("PORTAL_DOCUMENTS_LEASE_SECONDS", 45)


def waiting_grace() -> dt.timedelta:
    """A document waiting this long past its due time lost its message: it is sent again."""
    return _setting_seconds("PORTAL_DOCUMENTS_WAITING_GRACE_SECONDS", 90)


class AttemptFailed(Exception):
    """Rendering failed during an attempt that held ``lease``."""

    def __init__(self, lease: uuid.UUID, attempts: int, error: str):
        super().__init__(error)
        self.lease = lease
        self.attempts = attempts
        self.error = error


def _is_held(document: GeneratedDocument, now) -> bool:
    """Running under a lease that is still being renewed."""
    last_sign = document.heartbeat_at or document.started_at
    return (
        document.status == DocumentStatus.RUNNING
        and last_sign is not None
        and now - last_sign < lease_timeout()
    )


def _give_up(document: GeneratedDocument, error: str, now) -> None:
    document.status = DocumentStatus.FAILED
    document.error = error[:2000]
    document.finished_at = now
    document.lease = None
    document.save(update_fields=["status", "error", "finished_at", "lease"])


def document_claim(*, document_id: int) -> tuple[GeneratedDocument | None, uuid.UUID | None]:
    """Take a document to make it, under a fresh lease; ``(document, None)`` when it is not
    to be made now (finished, gone, or held by a live worker). The row lock makes the claim
    exclusive: two workers given the same document never both make it."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        now = timezone.now()
        if document is None or document.is_finished or _is_held(document, now):
            return document, None
        if document.attempts >= MAX_ATTEMPTS:
            # Taken that many times and never finished: workers die making it.
            _give_up(document, document.error or "Gave up after repeated attempts.", now)
            return document, None
        lease = uuid.uuid4()
        document.status = DocumentStatus.RUNNING
        document.lease = lease
        document.started_at = now
        document.heartbeat_at = now
        document.due_at = None
        document.attempts += 1
        document.error = ""
        document.save(
            update_fields=[
                "status",
                "lease",
                "started_at",
                "heartbeat_at",
                "due_at",
                "attempts",
                "error",
            ]
        )
    return document, lease


@contextmanager
def _heartbeat(document_id: int, lease: uuid.UUID):
    """Renew the lease in a thread while the document is being made."""
    from django.db import connection

    stop = threading.Event()
    every = heartbeat_every().total_seconds()

    def beat():
        try:
            while not stop.wait(every):
                try:
                    GeneratedDocument.objects.filter(pk=document_id, lease=lease).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat is retried at the next one
                    logger.warning("Heartbeat of document %s failed", document_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"document-{document_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def document_generate(*, document_id: int) -> GeneratedDocument | None:
    """Make one document. Idempotent: a finished document, or one a live worker holds, is
    left as it is; a result whose lease was taken over meanwhile is thrown away."""
    document, lease = document_claim(document_id=document_id)
    if lease is None:
        return document

    try:
        with _heartbeat(document.pk, lease):
            spec = get_kind(document.kind)
            target = document.target
            if spec is None or target is None:
                raise DocumentError("The document's kind or object no longer exists.")
            pdf = render_pdf(spec.template, spec.context(target), language=spec.language)
            name = spec.file_name(target)
    except Exception as exc:
        raise AttemptFailed(lease, document.attempts, repr(exc)) from exc

    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.lease != lease or document.status != DocumentStatus.RUNNING:
            # Another worker took it over (this one was thought dead): its copy counts.
            return document
        document.file.save(name, ContentFile(pdf), save=False)
        document.file_name = name
        document.status = DocumentStatus.DONE
        document.finished_at = timezone.now()
        document.lease = None
        document.save(update_fields=["file", "file_name", "status", "finished_at", "lease"])
    return document


def document_attempt_failed(
    *, document_id: int, lease: uuid.UUID, error: str, countdown: int
) -> str | None:
    """After a failed attempt: retrying (due after ``countdown`` seconds) or, with the
    attempts used up, failed. Returns the new status; ``None`` if the lease was lost."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.lease != lease or document.status != DocumentStatus.RUNNING:
            return None
        now = timezone.now()
        if document.attempts >= MAX_ATTEMPTS:
            _give_up(document, error, now)
            return DocumentStatus.FAILED
        document.status = DocumentStatus.RETRYING
        document.error = error[:2000]
        document.lease = None
        document.due_at = now + dt.timedelta(seconds=countdown)
        document.save(update_fields=["status", "error", "lease", "due_at"])
        return DocumentStatus.RETRYING


def _needs_recovery(document: GeneratedDocument, now) -> bool:
    if document.status == DocumentStatus.RUNNING:
        return not _is_held(document, now)
    if document.status in WAITING:
        return (document.due_at or document.created_at) < now - waiting_grace()
    return False


def _stale_filter(now) -> Q:
    lease_cutoff = now - lease_timeout()
    waiting_cutoff = now - waiting_grace()
    abandoned = Q(status=DocumentStatus.RUNNING) & (
        Q(heartbeat_at__lt=lease_cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=lease_cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
    lost = Q(status__in=WAITING) & (
        Q(due_at__lt=waiting_cutoff) | Q(due_at__isnull=True, created_at__lt=waiting_cutoff)
    )
    return abandoned | lost


def documents_recover(*, ids: list[int] | None = None) -> list[int]:
    """Send again every document whose worker died (its lease stopped being renewed) or
    whose message was lost (waiting well past its due time). Each is re-checked under its
    row lock, so that two sweepers never send it both, and a document workers keep dying on
    is marked failed after its attempts. Returns the ids sent."""
    now = timezone.now()
    candidates = GeneratedDocument.objects.filter(_stale_filter(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    sent = []
    for pk in candidates.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            document = GeneratedDocument.objects.select_for_update().filter(pk=pk).first()
            now = timezone.now()
            if document is None or not _needs_recovery(document, now):
                continue
            if document.status == DocumentStatus.RUNNING:
                if document.attempts >= MAX_ATTEMPTS:
                    _give_up(document, "The worker making it stopped.", now)
                    continue
                document.status = DocumentStatus.RETRYING
                document.error = "The worker making it stopped."
                document.lease = None
            document.due_at = now
            document.save(update_fields=["status", "error", "lease", "due_at"])
            transaction.on_commit(partial(_enqueue, pk))
        sent.append(pk)
    if sent:
        logger.info("Documents sent again: %s", sent)
    return sent


def documents_requeue_stale() -> list[int]:
    """The beat schedule's safety net: the same as the workers' own sweep."""
    return documents_recover()


def document_retry(*, document: GeneratedDocument, by) -> GeneratedDocument:
    """Try a failed document again, from scratch (the retry button)."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if document.status != DocumentStatus.FAILED:
            raise DocumentError(
                _("Only a document that could not be generated can be tried again.")
            )
        document.status = DocumentStatus.QUEUED
        document.attempts = 0
        document.error = ""
        document.finished_at = None
        document.lease = None
        document.due_at = timezone.now()
        document.save(
            update_fields=["status", "attempts", "error", "finished_at", "lease", "due_at"]
        )
        audit_record(
            actor=by,
            action="document.retry",
            target=document,
            school=school_of(document.target),
            after={"kind": document.kind},
        )
        transaction.on_commit(partial(_enqueue, document.pk))
    return document
