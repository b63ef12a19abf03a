"""Celery tasks of the document pipeline: they take ids and call services.

A message is acknowledged only once its task has finished (``acks_late``) and given back to
the queue if the worker's process dies (``reject_on_worker_lost``). A worker killed
outright, messages and all, is covered by the lease: see ``recovery``.
"""

import logging

from celery import shared_task

from . import services
from .enums import DocumentStatus

logger = logging.getLogger(__name__)

MAX_RETRIES = services.MAX_ATTEMPTS - 1


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def generate_document(self, document_id: int):
    try:
        services.document_generate(document_id=document_id)
    except services.AttemptFailed as failure:
        logger.error("Generating document %s failed: %s", document_id, failure.error)
        # Exponential back-off: 10 s, 20 s, 40 s.
        countdown = 10 * 2 ** (failure.attempts - 1)
        status = services.document_attempt_failed(
            document_id=document_id, lease=failure.lease, error=failure.error, countdown=countdown
        )
        if status == DocumentStatus.RETRYING:
            raise self.retry(countdown=countdown) from failure


@shared_task
def requeue_stale_documents():
    return services.documents_requeue_stale()
