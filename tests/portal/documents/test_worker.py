"""A real Celery worker, fed through Redis, renders the school profile PDF.

Needs REDIS_URL. Without it the test is skipped — except on CI (CI=true), where a missing
Redis fails the run instead of hiding the pipeline's only end-to-end test.
"""

import io
import os
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
