"""What ``/healthz/`` reports: the database, Redis, the workers and the private file store,
each on its own, quickly, and without a secret (no address, no message of an exception —
only its type).

The workers are seen through a heartbeat: every Celery worker's sweeper
(``portal.documents.recovery``) records itself in Redis every sweep; a worker heard from in
the last ``WORKER_SILENT_AFTER`` seconds counts.
"""

from __future__ import annotations

import os
import socket
import time
from functools import cache

from django.conf import settings
from django.db import connection

WORKERS_KEY = "portal:health:workers"
WORKER_SILENT_AFTER = 90
TIMEOUT = 1.0

OK, ERROR, SKIPPED = "ok", "error", "not configured"


@cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)


def redis_client():
    return _redis_client(settings.REDIS_URL) if settings.REDIS_URL else None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_heartbeat(name: str | None = None) -> None:
    """Record that this worker is alive (called by its sweeper)."""
    client = redis_client()
    if client is None:
        return
    now = time.time()
    pipe = client.pipeline()
    pipe.zadd(WORKERS_KEY, {name or worker_name(): now})
    pipe.zremrangebyscore(WORKERS_KEY, "-inf", now - 10 * WORKER_SILENT_AFTER)
    pipe.expire(WORKERS_KEY, 10 * WORKER_SILENT_AFTER)
    pipe.execute()


def worker_gone(name: str | None = None) -> None:
    client = redis_client()
    if client is not None:
        client.zrem(WORKERS_KEY, name or worker_name())


def _timed(check):
    start = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # the type only: messages may carry addresses or passwords
        result = {"status": ERROR, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": OK, "vendor": connection.vendor}


def check_redis() -> dict:
    client = redis_client()
    if client is None:
        return {"status": SKIPPED}
    client.ping()
    return {"status": OK}


def check_workers() -> dict:
    client = redis_client()
    if client is None:
        # The embedded default: tasks run in the web process itself.
        return {"status": OK, "mode": "in-process"}
    alive = client.zcount(WORKERS_KEY, time.time() - WORKER_SILENT_AFTER, "+inf")
    return {"status": OK if alive else ERROR, "count": alive}


def check_storage() -> dict:
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["private"]
    if isinstance(storage, FileSystemStorage):
        # The local folder: there (made on first use, as the storage does), and writable.
        os.makedirs(storage.location, exist_ok=True)
        if not os.access(storage.location, os.R_OK | os.W_OK | os.X_OK):
            return {"status": ERROR, "error": "not writable"}
        return {"status": OK, "backend": type(storage).__name__, "kind": "local"}
    if hasattr(storage, "probe"):
        # The object store: one HEAD on the bucket proves the address, the credentials and
        # the bucket, with a short timeout and no retry.
        storage.probe(timeout=TIMEOUT)
    else:
        storage.exists("healthz-probe")
    return {"status": OK, "backend": type(storage).__name__, "kind": "object store"}


#: Without these the web process cannot serve: the load balancer takes it out (503).
REQUIRED = ("database", "redis", "storage")


def health() -> tuple[dict, bool]:
    """The report, and whether the web process can serve. The workers being down makes the
    report "degraded" but not unhealthy: pages work, documents and e-mail wait."""
    checks = {
        "database": _timed(check_database),
        "redis": _timed(check_redis),
        "workers": _timed(check_workers),
        "storage": _timed(check_storage),
    }
    serving = all(checks[name]["status"] != ERROR for name in REQUIRED)
    if not serving:
        status = ERROR
    elif checks["workers"]["status"] == ERROR:
        status = "degraded"
    else:
        status = OK
    return {"status": status, "checks": checks}, serving
