"""A real Celery worker, fed through Redis, renders the school profile PDF; a worker killed
mid-job has its document made by the next worker, once, without beat.

Needs REDIS_URL. Without it the test is skipped — except on CI (CI=true), where a missing
Redis fails the run instead of hiding the pipeline's only end-to-end test.
"""

import io
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connections, transaction
from pypdf import PdfReader

from portal.documents import tasks
from portal.documents.models import GeneratedDocument
from portal.documents.services import document_request
from tests.factories import UserFactory, ensure_reference_data, evaluated_school, grant

# A transactional database: the worker thread reads what this test commits.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "REDIS_URL is not set, but CI=true: the Celery worker test must run against "
                "Redis on CI. Start Redis and set REDIS_URL=redis://127.0.0.1:6379/0."
            )
        pytest.skip("REDIS_URL is not set: no Redis to run a real Celery worker against")
    return settings.REDIS_URL


@pytest.fixture
def celery_worker(redis_url, monkeypatch):
    """An embedded worker on the portal's Celery app, consuming a queue of its own (so that
    another worker on the same Redis cannot take this test's message, nor this one theirs)."""
    from portal.celery import app

    queue = f"test-worker-{uuid.uuid4().hex}"
    eager = app.conf.task_always_eager
    broker = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    monkeypatch.setattr(
        tasks.generate_document,
        "delay",
        lambda *args: tasks.generate_document.apply_async(args, queue=queue),
    )

    def close_connections(**kwargs):
        # The worker thread's own database connections: closed after each task, so that
        # nothing holds the test database when it is flushed or dropped.
        connections.close_all()

    signals.task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ) as worker:
            yield worker
    finally:
        signals.task_postrun.disconnect(close_connections)
        app.conf.task_always_eager = eager
        app.conf.broker_url = broker


@pytest.fixture
def school_and_coordinator():
    """A scored school and its coordinator. An earlier transactional test may have emptied
    the reference data the migrations seeded: it is put back first."""
    ensure_reference_data()
    school = evaluated_school(scores=["85"] * 8)
    coordinator = grant(UserFactory(username="worker-coordinator"), "coordinator", school=school)
    return school, coordinator


def test_worker_renders_the_school_profile_pdf(celery_worker, school_and_coordinator):
    school, coordinator = school_and_coordinator
    with transaction.atomic():
        document = document_request(kind="school_profile", target=school, by=coordinator)
    assert document.status == "queued"

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.is_finished:
            break
        time.sleep(0.2)

    assert (document.status, document.error) == ("done", ""), (
        f"the document is {document.status!r} after {WAIT_SECONDS} s: {document.error}"
    )
    assert document.attempts == 1
    data = document.file.read()
    assert data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(data))
    assert school.code in reader.pages[0].extract_text()
    assert GeneratedDocument.objects.count() == 1


# --- A worker killed mid-job ---------------------------------------------------------------


@pytest.fixture
def worker_processes(redis_url, private_media):
    """Start real worker processes (``crash_worker.py``) on a queue of this test's own,
    against the test database; stops whatever is still running at the end."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("The crash test needs PostgreSQL on CI (a worker in another process).")
        pytest.skip("The crash test needs PostgreSQL: its workers run in other processes")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"test-crash-{uuid.uuid4().hex}"
    started = []

    def start(name, *, render_seconds):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PORTAL_CELERY_QUEUE": queue,
            "PORTAL_PRIVATE_MEDIA_ROOT": str(private_media),
            "PORTAL_DOCUMENTS_HEARTBEAT_SECONDS": "1",
            "PORTAL_DOCUMENTS_LEASE_SECONDS": "4",
            "PORTAL_DOCUMENTS_SWEEP_SECONDS": "1",
            "PORTAL_TEST_RENDER_SECONDS": str(render_seconds),
            "DJANGO_CONN_MAX_AGE": "0",
        }
        log = open(private_media.parent / f"{name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.portal.documents.crash_worker", name, queue],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, log))
        return process

    start.queue = queue
    try:
        yield start
    finally:
        for process, log in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.close()


def _wait_for(document, condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if condition(document):
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_job_its_document_is_made_by_the_next_worker_once(
    worker_processes, school_and_coordinator, monkeypatch, redis_url, private_media
):
    """Worker A is killed (SIGKILL, with its pool) while making a document. Worker B, a
    plain worker started afterwards — no beat — makes it within two minutes, once: one
    attempt more, one file, made by B."""
    from portal.celery import app

    school, coordinator = school_and_coordinator
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    try:
        _crash_and_recover(worker_processes, school, coordinator, monkeypatch, private_media)
    finally:
        app.conf.task_always_eager = eager
        app.conf.broker_url = broker


def _crash_and_recover(worker_processes, school, coordinator, monkeypatch, private_media):
    queue = worker_processes.queue
    monkeypatch.setattr(
        tasks.generate_document,
        "delay",
        lambda *args: tasks.generate_document.apply_async(args, queue=queue),
    )

    worker_a = worker_processes("worker-a", render_seconds=600)
    with transaction.atomic():
        document = document_request(kind="school_profile", target=school, by=coordinator)
    assert _wait_for(document, lambda d: d.status == "running", WAIT_SECONDS), (
        f"worker A never took the document: {document.status!r}"
    )
    assert document.attempts == 1

    os.killpg(worker_a.pid, signal.SIGKILL)
    worker_a.wait()
    killed_at = time.monotonic()
    document.refresh_from_db()
    assert document.status == "running"  # what A left behind

    worker_processes("worker-b", render_seconds=0)
    assert _wait_for(document, lambda d: d.is_finished, 120), (
        f"the document is still {document.status!r} two minutes after the crash"
    )
    assert time.monotonic() - killed_at < 120
    assert (document.status, document.attempts, document.error) == ("done", 2, "")
    assert document.file.read() == b"%PDF-1.7\n% made by worker-b\n%%EOF\n"
    files = [p for p in (private_media / "documents").rglob("*") if p.is_file()]
    assert len(files) == 1
    assert GeneratedDocument.objects.count() == 1
