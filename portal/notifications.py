"""E-mail to the people who must act next, sent by a Celery task after the commit."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def notify(*, users, subject: str, template: str, context: dict) -> None:
    """Render one message per recipient (in Traditional Chinese) and send it after commit."""
    from portal.tasks import send_email

    recipients = sorted({u.email for u in users if getattr(u, "email", "") and u.is_active})
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "base_url": settings.PORTAL_BASE_URL})
        subject = str(subject)
    subject = "[高職優質化] " + subject
    for recipient in recipients:
        transaction.on_commit(lambda r=recipient: send_email.delay(r, subject, body))
