"""The programme portal: settings, URLs, the Celery app and the core domain."""

from .celery import app as celery_app

__all__ = ("celery_app",)
