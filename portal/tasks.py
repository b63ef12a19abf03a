from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_email(self, recipient: str, subject: str, body: str):
    """Send one message; retried with back-off while the mail server fails."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except OSError as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
