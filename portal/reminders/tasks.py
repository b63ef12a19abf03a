from celery import shared_task


@shared_task
def send_due_reminders() -> dict[str, int]:
    from .services import send_due_reminders as send

    return send()
