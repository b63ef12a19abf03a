"""Requesting and generating documents. Rendering happens in a Celery task, never in a request."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.rules import school_of

from .enums import IN_FLIGHT, DocumentStatus
from .models import GeneratedDocument
from .pdf import render_pdf
from .registry import get_kind

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)


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
        transaction.on_commit(lambda: _enqueue(document.pk))
    return document


def _enqueue(document_id: int) -> None:
    """Send the task to the broker; without one, render in a background thread, so that
    the page can show progress while the PDF is made."""
    from django.conf import settings

    from .tasks import generate_document

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


def document_generate(*, document_id: int) -> GeneratedDocument | None:
    """Render one document. Idempotent: a finished document is left as it is."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == DocumentStatus.DONE:
            return document
        if document.status == DocumentStatus.RUNNING and (
            document.started_at and timezone.now() - document.started_at < STALE_AFTER
        ):
            # Another worker holds it.
            return document
        document.status = DocumentStatus.RUNNING
        document.started_at = timezone.now()
        document.attempts += 1
        document.error = ""
        document.save(update_fields=["status", "started_at", "attempts", "error"])

    spec = get_kind(document.kind)
    target = document.target
    if spec is None or target is None:
        raise DocumentError("The document's kind or object no longer exists.")
    pdf = render_pdf(spec.template, spec.context(target), language=spec.language)
    name = spec.file_name(target)

    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.DONE:
            return document
        document.file.save(name, ContentFile(pdf), save=False)
        document.file_name = name
        document.status = DocumentStatus.DONE
        document.finished_at = timezone.now()
        document.save(update_fields=["file", "file_name", "status", "finished_at"])
    return document


def document_retry_later(*, document_id: int, error: str) -> None:
    """Put a document back in the queue after a failed attempt that will be retried."""
    GeneratedDocument.objects.filter(pk=document_id).exclude(status=DocumentStatus.DONE).update(
        status=DocumentStatus.QUEUED, error=error[:2000]
    )


def document_fail(*, document_id: int, error: str) -> None:
    GeneratedDocument.objects.filter(pk=document_id).exclude(status=DocumentStatus.DONE).update(
        status=DocumentStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def documents_requeue_stale() -> list[int]:
    """Documents stuck queued or running (a lost worker, a lost message): send them again."""
    from .tasks import generate_document

    cutoff = timezone.now() - STALE_AFTER
    stale = list(
        GeneratedDocument.objects.filter(status__in=IN_FLIGHT, created_at__lt=cutoff)
        .exclude(status=DocumentStatus.RUNNING, started_at__gte=cutoff)
        .values_list("pk", flat=True)
    )
    for pk in stale:
        generate_document.delay(pk)
    return stale
