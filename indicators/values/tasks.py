"""Celery tasks of the yearly values: they take ids and call the services."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def send_value_reminders():
    """Daily (beat): remind the schools that have not submitted before a window closes."""
    from .services import reminders_send

    return reminders_send()


@shared_task(bind=True, acks_late=True, max_retries=2)
def build_values_export(self, export_id: int):
    from . import exports

    try:
        exports.export_build(export_id=export_id)
    except Exception as exc:
        logger.exception("Building values export %s failed", export_id)
        if self.request.retries >= self.max_retries:
            exports.export_fail(export_id=export_id, error=repr(exc))
            return
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc
