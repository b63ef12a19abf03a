"""Documents are never left "being made" by a worker that died.

Every running worker sweeps (``services.documents_recover``) as soon as it is ready and
then every ``PORTAL_DOCUMENTS_SWEEP_SECONDS``: a plain ``celery -A portal worker`` is
enough, beat is not needed. In the embedded mode (no Redis, documents made in a thread of
the web process) each gunicorn process sweeps the same way (see ``gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_sweeper: Sweeper | None = None


def sweep_every() -> float:
    return float(getattr(settings, "PORTAL_DOCUMENTS_SWEEP_SECONDS", 20))


class Sweeper(threading.Thread):
    def __init__(self, every: float, *, heartbeat: bool = False):
        super().__init__(name="documents-sweeper", daemon=True)
        self.every = every
        self.heartbeat = heartbeat
        self.stopped = threading.Event()

    def run(self):
        from django.db import connection

        from portal.health import worker_gone, worker_heartbeat

        from .services import documents_recover

        while True:
            try:
                if self.heartbeat:
                    worker_heartbeat()  # what /healthz/ reads
                documents_recover()
            except Exception:  # the next sweep tries again
                logger.warning("Sweeping stale documents failed", exc_info=True)
            finally:
                connection.close()
            if self.stopped.wait(self.every):
                if self.heartbeat:
                    try:
                        worker_gone()
                    except Exception:  # it falls silent anyway
                        logger.info("Could not sign off the worker", exc_info=True)
                return


def start_sweeper(*, heartbeat: bool = False) -> Sweeper:
    """Start this process's sweeper (once); a Celery worker's also reports that the worker
    is alive (``heartbeat``)."""
    global _sweeper
    with _lock:
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = Sweeper(sweep_every(), heartbeat=heartbeat)
            _sweeper.start()
        return _sweeper


def stop_sweeper() -> None:
    global _sweeper
    with _lock:
        if _sweeper is not None:
            _sweeper.stopped.set()
            _sweeper.join(timeout=10)
            _sweeper = None


def on_worker_ready(**kwargs):
    start_sweeper(heartbeat=True)


def on_worker_shutdown(**kwargs):
    stop_sweeper()
