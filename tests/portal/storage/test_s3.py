"""Private files on an S3-compatible object store (moto's server): the document pipeline and
an attachment round trip, both downloaded through the views that check permission, with the
bytes found in the bucket and nowhere on a public URL."""

import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from applications.models import PlanAttachment
from portal import health
from portal.documents.models import PRIVATE_STORAGE, GeneratedDocument
from portal.documents.services import document_request
from portal.documents.storage import PrivateObjectStorage
from tests.applications.builders import started_plan
from tests.factories import UserFactory, grant
from tests.portal.storage.conftest import a_pdf, keys, read, s3_storage

# One xdist worker runs every module of this folder: each starts moto on a port of 5321-5329.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("object-store")]


def test_s3_settings_switch_both_storages_to_the_bucket(s3):
    _client, bucket_name = s3
    for alias in ("private", "default"):
        store = storages[alias]
        assert (type(store), store.bucket_name) == (PrivateObjectStorage, bucket_name)
    # The models' storage callable follows STORAGES (reset by setting_changed).
    assert PlanAttachment._meta.get_field("file").storage is PRIVATE_STORAGE
    PRIVATE_STORAGE.exists("anything")  # forces the lookup
    assert PRIVATE_STORAGE._wrapped is storages["private"]


def test_s3_private_files_have_no_url_and_a_private_acl(s3):
    client, bucket_name = s3
    store = storages["private"]
    name = store.save("documents/probe.pdf", io.BytesIO(b"%PDF-1.7 probe"))
    with pytest.raises(ValueError):
        store.url(name)
    grants = client.get_object_acl(Bucket=bucket_name, Key=name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("URI") is None for g in grants)  # no AllUsers grant


def test_s3_a_taken_name_is_never_overwritten(s3):
    """Two attachments of one plan are both saved as ``<plan>.pdf``: each object gets a name
    of its own (a bucket has no exclusive create, so even two machines saving at the same
    moment cannot replace each other's file)."""
    client, bucket_name = s3
    store = storages["private"]
    first = store.save("attachments/2026/11/7.pdf", io.BytesIO(b"first"))
    second = store.save("attachments/2026/11/7.pdf", io.BytesIO(b"second"))
    assert first != second
    for name in (first, second):
        assert re.fullmatch(r"attachments/2026/11/7_[A-Za-z0-9]{7}\.pdf", name)
    assert (read(client, bucket_name, first), read(client, bucket_name, second)) == (
        b"first",
        b"second",
    )


def test_s3_document_pipeline_renders_into_the_bucket_and_downloads_through_the_view(
    s3, school, coordinator, client_for, django_capture_on_commit_callbacks
):
    """A real school profile PDF (WeasyPrint) made by the task in eager mode, stored in the
    bucket, and served by the permission-checking download view."""
    client, bucket_name = s3
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    document.refresh_from_db()
    assert (document.status, document.error) == ("done", "")
    assert keys(client, bucket_name) == [document.file.name]
    stored = read(client, bucket_name, document.file.name)
    assert stored.startswith(b"%PDF-")
    assert school.name in PdfReader(io.BytesIO(stored)).pages[0].extract_text()

    response = client_for(coordinator).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == stored


def test_s3_document_download_still_refused_to_another_school(
    s3, school, other_school, client_for, django_capture_on_commit_callbacks
):
    coordinator = grant(UserFactory(username="s3-coordinator"), "coordinator", school=school)
    stranger = grant(UserFactory(username="s3-stranger"), "coordinator", school=other_school)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="school_profile", target=school, by=coordinator)
    document.refresh_from_db()
    assert document.status == "done"
    response = client_for(stranger).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code in (403, 404)
    assert GeneratedDocument.objects.get().file.name in keys(*s3)


def test_s3_attachment_upload_and_download_round_trip(s3, school, coordinator, client_for):
    client, bucket_name = s3
    plan = started_plan(school, coordinator)
    content = a_pdf()
    browser = client_for(coordinator)
    response = browser.post(
        reverse("applications:attachments", args=[plan.pk]),
        {"file": SimpleUploadedFile("校務發展計畫.pdf", content), "description": "附件一"},
    )
    assert response.status_code == 302
    attachment = PlanAttachment.objects.get(plan=plan)
    assert keys(client, bucket_name) == [attachment.file.name]
    assert read(client, bucket_name, attachment.file.name) == content

    response = browser.get(
        reverse("applications:attachment_download", args=[plan.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == content


def test_s3_attachment_download_refused_to_another_schools_coordinator(
    s3, school, other_school, coordinator, client_for
):
    plan = started_plan(school, coordinator)
    client_for(coordinator).post(
        reverse("applications:attachments", args=[plan.pk]),
        {"file": SimpleUploadedFile("計畫.pdf", a_pdf()), "description": ""},
    )
    attachment = PlanAttachment.objects.get(plan=plan)
    stranger = grant(UserFactory(username="s3-other"), "coordinator", school=other_school)
    response = client_for(stranger).get(
        reverse("applications:attachment_download", args=[plan.pk, attachment.pk])
    )
    assert response.status_code in (403, 404)


# --- /healthz/ reports the object store --------------------------------------------------------


def test_healthz_reports_the_object_store(s3, client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz/")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["checks"]["storage"] == {
        "status": "ok",
        "backend": "PrivateObjectStorage",
        "kind": "object store",
        "ms": body["checks"]["storage"]["ms"],
    }


def test_healthz_object_store_missing_bucket_is_503_without_secrets(object_store, client, settings):
    entry = s3_storage(object_store, "no-such-bucket")
    settings.STORAGES = {**settings.STORAGES, "private": entry, "default": entry}
    response = client.get("/healthz/")
    text = response.content.decode()
    body = json.loads(text)
    assert response.status_code == 503
    assert body["checks"]["storage"]["status"] == "error"
    assert body["checks"]["storage"]["error"] == "ClientError"
    for secret in ("portal-test-secret", "no-such-bucket", object_store):
        assert secret not in text


def test_healthz_unreachable_object_store_answers_fast(client, settings):
    """Nothing listens on the port: the probe gives up within its timeout, without retries."""
    entry = s3_storage("http://127.0.0.1:1", "portal")
    settings.STORAGES = {**settings.STORAGES, "private": entry, "default": entry}
    response = client.get("/healthz/")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["storage"]["status"] == "error"
    assert body["checks"]["storage"]["ms"] < health.TIMEOUT * 1000 * 3


# --- The settings ------------------------------------------------------------------------------


def _storages_from(environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_S3_", "AWS_"))}
    env.update(environment, DJANGO_SETTINGS_MODULE="portal.settings")
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_keep_the_local_folder_without_a_bucket():
    configured = _storages_from({})
    for alias in ("private", "default"):
        assert configured[alias]["BACKEND"] == "portal.documents.storage.PrivateStorage"


def test_settings_switch_to_the_object_store_with_a_bucket():
    configured = _storages_from(
        {
            "PORTAL_S3_BUCKET": "portal-private",
            "PORTAL_S3_ENDPOINT_URL": "http://minio.internal:9000",
            "AWS_ACCESS_KEY_ID": "portal",
            "AWS_SECRET_ACCESS_KEY": "a-secret-only-boto3-reads",
        }
    )
    expected = {
        "BACKEND": "portal.documents.storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": "portal-private",
            "endpoint_url": "http://minio.internal:9000",
            "region_name": "us-east-1",
            "location": "",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "verify": True,
        },
    }
    assert (configured["private"], configured["default"]) == (expected, expected)
    assert "a-secret-only-boto3-reads" not in json.dumps(configured)
