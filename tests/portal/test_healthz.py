"""/healthz/: the database, Redis, the workers and the private file store, each reported on
its own, as JSON, fast and without secrets; 503 when the web process cannot serve."""

import json
import os
import time
import uuid
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.urls import reverse

from portal import health

pytestmark = pytest.mark.django_db

URL = "/healthz/"


class FakeRedis:
    def __init__(self, workers=0, fail=False):
        self.workers = workers
        self.fail = fail

    def ping(self):
        if self.fail:
            raise ConnectionError("Error connecting to redis://:hunter2@10.0.0.9:6379")
        return True

    def zcount(self, key, low, high):
        return self.workers


def _get(client):
    started = time.perf_counter()
    response = client.get(URL)
    elapsed = time.perf_counter() - started
    return response, json.loads(response.content), elapsed


def test_healthz_is_at_its_address():
    assert reverse("healthz") == URL


def test_healthz_embedded_default_all_ok(client, settings):
    """SQLite or PostgreSQL, no Redis (tasks in-process), the local private folder."""
    settings.REDIS_URL = ""
    response, body, elapsed = _get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "redis", "workers", "storage"}
    assert checks["database"]["status"] == "ok"
    assert checks["redis"]["status"] == "not configured"
    assert (checks["workers"]["status"], checks["workers"]["mode"]) == ("ok", "in-process")
    assert checks["storage"] == {
        "status": "ok",
        "backend": "PrivateStorage",
        "kind": "local",
        "ms": checks["storage"]["ms"],
    }
    assert all(isinstance(check["ms"], float) for check in checks.values())
    assert elapsed < 1


def test_healthz_needs_no_login(client):
    assert client.get(URL).status_code == 200


def test_healthz_database_down_is_503_without_the_message(client, monkeypatch):
    def broken():
        raise OperationalError('connection to "db.internal" failed: password for portal_app')

    monkeypatch.setattr(health, "check_database", broken)
    response, body, _ = _get(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "status": "error",
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert "db.internal" not in response.content.decode()
    assert "portal_app" not in response.content.decode()
    # The others are still reported on their own.
    assert body["checks"]["storage"]["status"] == "ok"


def test_healthz_redis_down_is_503_without_its_address(client, monkeypatch, settings):
    settings.REDIS_URL = "redis://:hunter2@10.0.0.9:6379/0"
    monkeypatch.setattr(health, "redis_client", lambda: FakeRedis(fail=True))
    response, body, _ = _get(client)
    text = response.content.decode()
    assert response.status_code == 503
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert "hunter2" not in text and "10.0.0.9" not in text
    assert body["checks"]["database"]["status"] == "ok"


def test_healthz_unreachable_redis_answers_fast(client, settings):
    """A real client against a closed port: refused at once, reported, still fast."""
    settings.REDIS_URL = "redis://:hunter2@127.0.0.1:1/0"
    response, body, elapsed = _get(client)
    assert response.status_code == 503
    assert body["checks"]["redis"]["status"] == "error"
    assert "hunter2" not in response.content.decode()
    assert elapsed < 3


def test_healthz_no_worker_is_degraded_not_down(client, monkeypatch, settings):
    """No worker heard from: reported, but the web process still serves (200) — pages work,
    documents and e-mail wait for a worker."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    monkeypatch.setattr(health, "redis_client", lambda: FakeRedis(workers=0))
    response, body, _ = _get(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["workers"] == {
        "status": "error",
        "count": 0,
        "ms": body["checks"]["workers"]["ms"],
    }


def test_healthz_workers_counted(client, monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    monkeypatch.setattr(health, "redis_client", lambda: FakeRedis(workers=2))
    response, body, _ = _get(client)
    assert (response.status_code, body["status"]) == (200, "ok")
    assert (body["checks"]["workers"]["status"], body["checks"]["workers"]["count"]) == ("ok", 2)
    assert body["checks"]["redis"]["status"] == "ok"


def test_healthz_storage_unusable_is_503(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": settings.STORAGES["private"]["BACKEND"],
            "OPTIONS": {"location": blocker / "private", "base_url": None},
        },
    }
    response, body, _ = _get(client)
    assert response.status_code == 503
    assert body["checks"]["storage"]["status"] == "error"
    assert str(tmp_path) not in response.content.decode()


def test_healthz_object_store_asked_once(client, settings, monkeypatch):
    """A store without a local folder (an S3-compatible one) is asked one question."""
    from django.core.files.storage import storages

    asked = []

    class Remote:
        def exists(self, name):
            asked.append(name)
            return False

    monkeypatch.setitem(storages._storages, "private", Remote())
    response, body, _ = _get(client)
    assert (response.status_code, body["checks"]["storage"]) == (
        200,
        {
            "status": "ok",
            "backend": "Remote",
            "kind": "object store",
            "ms": body["checks"]["storage"]["ms"],
        },
    )
    assert asked == ["healthz-probe"]


def test_healthz_shows_no_secret(client, settings):
    text = client.get(URL).content.decode()
    assert settings.SECRET_KEY not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text
    assert str(settings.PRIVATE_MEDIA_ROOT) not in text


# --- The workers' heartbeat (a real Redis) ------------------------------------------------------


HEARTBEAT_NOW = 1_794_794_400.0  # 2026-11-16 10:00 in Taipei


@pytest.fixture
def real_redis(settings, monkeypatch):
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set")
    settings.REDIS_URL = url
    # A key of this test's own: real workers started by other tests (in parallel) report
    # their heartbeat to the same Redis.
    monkeypatch.setattr(health, "WORKERS_KEY", f"{health.WORKERS_KEY}:test:{uuid.uuid4().hex}")
    # The heartbeat and the count read one clock of the test's own: a clock travelled by a
    # thread another test left behind cannot put the two on different days.
    monkeypatch.setattr(
        health, "time", SimpleNamespace(time=lambda: HEARTBEAT_NOW, perf_counter=time.perf_counter)
    )
    client = health.redis_client()
    client.delete(health.WORKERS_KEY)
    yield client
    client.delete(health.WORKERS_KEY)


@pytest.mark.worker
def test_worker_heartbeat_is_what_healthz_counts(real_redis, client):
    health.worker_heartbeat("worker-one@host:1")
    health.worker_heartbeat("worker-two@host:2")
    body = json.loads(client.get(URL).content)
    assert (body["checks"]["workers"]["count"], body["status"]) == (2, "ok")
    health.worker_gone("worker-two@host:2")
    assert json.loads(client.get(URL).content)["checks"]["workers"]["count"] == 1


@pytest.mark.worker
def test_a_silent_worker_stops_counting(real_redis, client):
    real_redis.zadd(health.WORKERS_KEY, {"gone@host:3": HEARTBEAT_NOW - 91})
    body = json.loads(client.get(URL).content)
    assert (body["checks"]["workers"]["count"], body["status"]) == (0, "degraded")


def test_a_celery_workers_sweeper_reports_the_heartbeat(monkeypatch, settings):
    from portal.documents import recovery, services

    settings.PORTAL_DOCUMENTS_SWEEP_SECONDS = 30
    beats = []
    monkeypatch.setattr(health, "worker_heartbeat", lambda: beats.append(1))
    monkeypatch.setattr(health, "worker_gone", lambda: beats.append(0))
    monkeypatch.setattr(services, "documents_recover", lambda **kwargs: [])
    recovery.on_worker_ready()
    try:
        deadline = time.monotonic() + 5
        while not beats and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        recovery.on_worker_shutdown()
    assert beats == [1, 0]
