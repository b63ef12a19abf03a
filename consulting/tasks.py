"""Celery tasks of consulting: they call a service."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3)
def send_reminders(self):
    """The daily reminders (see ``services.reminders_send``); safe to run twice a day."""
    from . import services

    try:
        return services.reminders_send()
    except Exception as exc:
        logger.exception("Consulting reminders failed")
        raise self.retry(exc=exc, countdown=300) from exc
