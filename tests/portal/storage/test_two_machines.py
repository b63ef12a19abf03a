"""Two "machines" sharing one object store: two gunicorn processes on different ports (and,
with Redis, two Celery workers), each with a local folder of its own that must stay empty,
against one database and one S3 bucket (moto's server). A file uploaded through one web
server is downloaded through the other; a document asked for on one is made by whichever
process takes it and downloaded from the other.

The processes share a database of their own: on PostgreSQL when ``DATABASE_URL`` names one
(as in CI; a database made from a migrated template and dropped afterwards), else a SQLite
file.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.portal.storage.conftest import (
    CREDENTIALS,
    REGION,
    a_pdf,
    free_port,
    keys,
    need,
    read,
)

requests = need("requests")

# With the other modules of this folder on one xdist worker: one migration, no port race.
pytestmark = pytest.mark.xdist_group("object-store")

WEB_PORTS = range(8321, 8329)
WAIT_SECONDS = 90
ROOT = Path(settings.BASE_DIR)
PYTHON = sys.executable
BIN = Path(PYTHON).parent

SEED = """
import json
import django
django.setup()
from tests.factories import UserFactory, ensure_reference_data, evaluated_school, grant
from tests.applications.builders import started_plan

ensure_reference_data()
school = evaluated_school(scores=["91"] * 8, code="193401", name="國立共享儲存高級工業職業學校")
coordinator = grant(UserFactory(username="two-machines"), "coordinator", school=school)
plan = started_plan(school, coordinator)
print(json.dumps({"school": school.code, "plan": plan.pk, "username": coordinator.username}))
"""


class Database:
    """The machines' shared database: its URL, and a way for the test to read a row."""

    def __init__(self, url):
        self.url = url
        self.postgres = url.startswith(("postgres://", "postgresql://"))

    def with_name(self, name):
        return Database(urlunsplit(urlsplit(self.url)._replace(path=f"/{name}")))

    @property
    def name(self):
        return urlsplit(self.url).path[1:]  # sqlite:////tmp/x → /tmp/x

    def row(self, sql, *params):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as db:
                return db.execute(sql, params).fetchone()
        with closing(sqlite3.connect(self.name, timeout=20)) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchone()

    def admin(self, statement):
        """CREATE or DROP DATABASE, from the database ``DATABASE_URL`` names."""
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
            db.execute(statement)


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """One migrated database, copied for each set of machines."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        template = Database(url).with_name(f"portal_storage_template_{uuid.uuid4().hex[:8]}")
        template.admin(f'CREATE DATABASE "{template.name}"')
        try:
            _run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], database=template)
            yield template
        finally:
            template.admin(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)')
        return
    path = tmp_path_factory.mktemp("two-machines") / "template.sqlite3"
    template = Database(f"sqlite:///{path}")
    _run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], database=template)
    yield template


@pytest.fixture
def shared_database(migrated_database, tmp_path):
    if migrated_database.postgres:
        database = migrated_database.with_name(f"portal_storage_{uuid.uuid4().hex[:8]}")
        database.admin(f'CREATE DATABASE "{database.name}" TEMPLATE "{migrated_database.name}"')
        yield database
        database.admin(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
    else:
        path = tmp_path / "portal.sqlite3"
        shutil.copy(migrated_database.name, path)
        yield Database(f"sqlite:///{path}")


def _run(command, *, database):
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=_environment(database=database),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        pytest.fail(f"{command[1:]} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def _environment(*, database, extra=None):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "DATABASE_", "REDIS_", "AWS_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database.url,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


class Machines:
    """Two web servers (and optionally two workers) and what they share."""

    def __init__(self, *, database, endpoint, bucket, client, tmp_path, redis_url=None):
        self.database = database
        self.bucket = bucket
        self.client = client
        self.tmp_path = tmp_path
        self.redis_url = redis_url
        self.endpoint = endpoint
        self.processes = []
        self.local_folders = []
        self.urls = []

    def environment(self, name):
        folder = self.tmp_path / f"{name}-local"
        folder.mkdir()
        self.local_folders.append(folder)
        extra = {
            "PORTAL_S3_BUCKET": self.bucket,
            "PORTAL_S3_ENDPOINT_URL": self.endpoint,
            "PORTAL_S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
            # Were anything written to the local folder, it would show up here.
            "PORTAL_PRIVATE_MEDIA_ROOT": str(folder),
        }
        if self.redis_url:
            extra["REDIS_URL"] = self.redis_url
        return _environment(database=self.database, extra=extra)

    def _start(self, name, command):
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        process.name = name
        self.processes.append(process)
        return process

    def start_web(self, name):
        port = free_port(range(WEB_PORTS.start + len(self.urls), WEB_PORTS.stop))
        process = self._start(
            name,
            [
                str(BIN / "gunicorn"),
                "portal.wsgi",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
        )
        url = f"http://127.0.0.1:{port}"
        self.urls.append(url)
        self._wait_until_serving(process, url)
        return url

    def start_worker(self, name):
        return self._start(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
                "-n",
                f"{name}-{uuid.uuid4().hex[:6]}@%h",
            ],
        )

    def _wait_until_serving(self, process, url):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"{process.name} stopped:\n{self.log(process)}")
            try:
                response = requests.get(f"{url}/healthz/", timeout=10)
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.3)
                continue
            body = response.json()
            assert body["checks"]["storage"]["kind"] == "object store", body
            return
        pytest.fail(f"{process.name} did not answer within {WAIT_SECONDS} s:\n{self.log(process)}")

    def log(self, process):
        process.log.flush()
        return (self.tmp_path / f"{process.name}.log").read_text(errors="replace")[-4000:]

    def stop_process(self, process):
        if process.poll() is None:
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)
        process.log.close()

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in self.processes:
            self.stop_process(process)

    def row(self, sql, *params):
        return self.database.row(sql, *params)

    def local_files(self):
        return sorted(str(p) for folder in self.local_folders for p in folder.rglob("*"))


@pytest.fixture
def machines(shared_database, object_store, bucket, tmp_path):
    database = shared_database
    name, client = bucket
    seeded = _run([PYTHON, "-c", SEED], database=database)
    made = []

    def start(*, redis_url=None):
        group = Machines(
            database=database,
            endpoint=object_store,
            bucket=name,
            client=client,
            tmp_path=tmp_path,
            redis_url=redis_url,
        )
        group.seed = json.loads(seeded.strip().splitlines()[-1])
        made.append(group)
        return group

    yield start
    for group in made:
        group.stop()


def _log_in(url, username):
    session = requests.Session()
    login = f"{url}{reverse('login')}"
    session.get(login, timeout=30)
    response = session.post(
        login,
        data={
            "username": username,
            "password": "portal-test-pw",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": login},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    return session


def _post(session, url, **kwargs):
    return session.post(
        url,
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"], **kwargs.pop("data", {})},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
        **kwargs,
    )


def _wait_done(group, document_id):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status, name = group.row(
            "SELECT status, file FROM documents_generateddocument WHERE id = %s", document_id
        )
        if status == "done":
            return name
        assert status != "failed", group.row(
            "SELECT error FROM documents_generateddocument WHERE id = %s", document_id
        )
        time.sleep(0.5)
    logs = "\n".join(group.log(p) for p in group.processes)
    pytest.fail(f"Document {document_id} is still {status} after {WAIT_SECONDS} s:\n{logs}")


def _round_trips(group):
    """An attachment through one web server, back through the other; a document asked for
    on the second, downloaded from the first. Returns the logged-in session."""
    first, second = group.urls
    seed = group.seed
    # One log-in: the session lives in the shared database, so it works on both servers.
    session = _log_in(first, seed["username"])

    content = a_pdf()
    attachments = f"{first}{reverse('applications:attachments', args=[seed['plan']])}"
    session.get(attachments, timeout=30)
    response = _post(
        session,
        attachments,
        data={"description": "附件一"},
        files={"file": ("校務發展計畫.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302, response.text[:2000]
    attachment_id, attachment_key = group.row(
        "SELECT id, file FROM applications_planattachment WHERE plan_id = %s", seed["plan"]
    )
    assert read(group.client, group.bucket, attachment_key) == content
    download = reverse("applications:attachment_download", args=[seed["plan"], attachment_id])
    response = session.get(f"{second}{download}", timeout=30)
    assert (response.status_code, response.content) == (200, content)
    # Without the session, the other server refuses it as well.
    assert requests.get(f"{second}{download}", allow_redirects=False, timeout=30).status_code in (
        302,
        403,
        404,
    )

    document_key = _document_round_trip(group, session, ask_on=second, download_from=first)

    assert keys(group.client, group.bucket) == sorted([attachment_key, document_key])
    assert group.local_files() == []
    return session


def _document_round_trip(group, session, *, ask_on, download_from):
    """The school's profile PDF asked for on one server, made by whichever process takes it,
    downloaded from the other: the key of its file in the bucket."""
    ask = f"{ask_on}{reverse('schools:profile_pdf', args=[group.seed['school']])}"
    response = _post(session, ask)
    assert response.status_code == 302, response.text[:2000]
    document_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    document_key = _wait_done(group, document_id)
    stored = read(group.client, group.bucket, document_key)
    assert stored.startswith(b"%PDF-")
    download = reverse("documents:download", args=[document_id])
    response = session.get(f"{download_from}{download}", timeout=30)
    assert (response.status_code, response.content) == (200, stored)
    return document_key


def test_two_web_servers_share_one_object_store(machines):
    """The embedded mode (no Redis): each web process makes documents in a thread of its own."""
    group = machines()
    group.start_web("web-one")
    group.start_web("web-two")
    _round_trips(group)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REDIS_URL is not set: the two workers need Redis")
        pytest.skip("REDIS_URL is not set: no Redis for the two workers")
    # A database number of its own, so that no other test's worker takes these messages.
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/11"))


@pytest.mark.worker
def test_two_web_servers_and_two_workers_share_one_object_store(machines, redis_url):
    """Each worker in turn makes a document (the other one stopped, so which one made it is
    certain); both files are downloaded through either web server."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    group = machines(redis_url=redis_url)
    first, second = group.start_web("web-one"), group.start_web("web-two")
    worker_one = group.start_worker("worker-one")
    session = _round_trips(group)
    made_by_one = sorted(keys(group.client, group.bucket))

    group.stop_process(worker_one)
    group.start_worker("worker-two")
    key = _document_round_trip(group, session, ask_on=first, download_from=second)
    assert key not in made_by_one
    assert sorted(keys(group.client, group.bucket)) == sorted([*made_by_one, key])
    # The first document is still served, by both servers, after its worker left.
    for url in (first, second):
        document_id = group.row("SELECT id FROM documents_generateddocument ORDER BY id LIMIT 1")[0]
        response = session.get(
            f"{url}{reverse('documents:download', args=[document_id])}", timeout=30
        )
        assert response.status_code == 200
    assert group.local_files() == []
