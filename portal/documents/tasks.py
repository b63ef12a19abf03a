"""Celery tasks of the document pipeline: they take ids and call services."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def generate_document(self, document_id: int):
    try:
        services.document_generate(document_id=document_id)
    except Exception as exc:
        logger.exception("Generating document %s failed", document_id)
        if self.request.retries >= self.max_retries:
            services.document_fail(document_id=document_id, error=repr(exc))
            return
        services.document_retry_later(document_id=document_id, error=repr(exc))
        # Exponential back-off: 10 s, 20 s, 40 s.
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc


@shared_task
def requeue_stale_documents():
    return services.documents_requeue_stale()
