"""Celery task of the imports: it takes the job's id and calls the service."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=2)
def read_import(self, job_id: int):
    from .services import import_fail, import_read

    try:
        import_read(job_id=job_id)
    except Exception as exc:
        logger.exception("Reading import %s failed", job_id)
        if self.request.retries >= self.max_retries:
            import_fail(job_id=job_id, message="")
            return
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
