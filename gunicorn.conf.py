"""gunicorn's settings for the portal (``make run``, the Docker image).

Several worker processes, each with threads, so that a classroom's worth of simultaneous
requests is served and none is dropped; static files come from WhiteNoise (collected into
``staticfiles/`` first). Override with the environment: ``PORT``, ``WEB_CONCURRENCY``
(processes), ``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
backlog = 2048
accesslog = "-"
# Each process loads the application itself (no preload): document threads and database
# connections are never shared across a fork.
preload_app = False


def post_worker_init(worker):
    """In the embedded default (no Redis) documents are made in a thread of the web process
    that asked for them: every process then sweeps for documents a dead process left
    "being made", as Celery workers do (portal.documents.recovery)."""
    from django.conf import settings

    if getattr(settings, "PORTAL_DOCUMENTS_IN_THREAD", False):
        from portal.documents.recovery import start_sweeper

        start_sweeper()


# No control socket: it would be one path shared by every gunicorn on the machine.
control_socket_disable = True
