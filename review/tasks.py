"""Celery tasks of the review: they take ids, load, and call a service."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3)
def send_reminders(self, round_id: int, by_id: int, member_id: int | None = None):
    """E-mail the reviewers whose reviews in a round are missing (see
    ``services.reminders_send``); the page that asks for it answers at once."""
    from portal.accounts.models import User

    from . import services
    from .models import Round

    rnd = Round.objects.select_related("committee").filter(pk=round_id).first()
    by = User.objects.filter(pk=by_id).first()
    if rnd is None or by is None:
        logger.warning("Reminders for round %s by %s: nothing to do", round_id, by_id)
        return 0
    try:
        return services.reminders_send(rnd=rnd, by=by, member_id=member_id)
    except services.ReviewError:
        logger.exception("Reminders for round %s were refused", round_id)
        return 0
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30) from exc
