"""An S3-compatible object store for the tests: moto's server, started once per module on a
port of its own, and a fresh bucket per test that the portal's private storage points at.

Without moto the tests are skipped; in CI (``CI=true``) they fail instead, so that a missing
dependency cannot pass for a green run.
"""

import io
import os
import socket
import uuid

import pytest

MOTO_PORTS = range(5321, 5330)
CREDENTIALS = {"access_key": "portal-test", "secret_key": "portal-test-secret"}
REGION = "us-east-1"


def need(module):
    try:
        return pytest.importorskip(module)
    except pytest.skip.Exception:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {module} cannot be imported: pip install -e '.[dev]'")
        raise


def free_port(ports) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"No free port in {ports.start}-{ports.stop - 1}")


@pytest.fixture(scope="module")
def object_store():
    """moto's S3 server on 127.0.0.1: its endpoint URL."""
    server_module = need("moto.server")
    port = free_port(MOTO_PORTS)
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(object_store):
    """A new, empty bucket: (name, a boto3 client to look inside it)."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=object_store,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    name = f"portal-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name, client


def s3_storage(endpoint_url, bucket_name):
    """The ``STORAGES`` entry ``portal/settings.py`` makes from ``PORTAL_S3_*``."""
    return {
        "BACKEND": "portal.documents.storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": endpoint_url,
            "region_name": REGION,
            "addressing_style": "path",
            "signature_version": "s3v4",
            **CREDENTIALS,
        },
    }


@pytest.fixture
def s3(settings, object_store, bucket):
    """Private files (and the default storage) on the bucket. Changing ``STORAGES`` through
    the settings fixture sends ``setting_changed``: Django empties its cache of storages and
    the models' ``private_storage`` looks the store up again."""
    name, client = bucket
    entry = s3_storage(object_store, name)
    settings.STORAGES = {**settings.STORAGES, "private": entry, "default": entry}
    return client, name


def keys(client, bucket_name) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket_name)
    return sorted(item["Key"] for item in listing.get("Contents", ()))


def read(client, bucket_name, key) -> bytes:
    return client.get_object(Bucket=bucket_name, Key=key)["Body"].read()


def a_pdf() -> bytes:
    """A small PDF that parses as one (attachments are checked by content)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
