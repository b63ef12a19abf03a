"""The application's database role cannot empty or rewrite the audit trail (PostgreSQL).

The portal connects as ``portal_app`` (DATABASE_URL), which does not own the tables; the
owner runs the migrations (DATABASE_MIGRATE_URL). Here the test, connected as the owner,
gives the role the row access the migrate command gives it (``grant_application_role``),
switches to it (``SET LOCAL ROLE``) and tries every way of emptying, rewriting or unguarding
the trail. The role is created inside the test's transaction when CI has not created it
(.ci/run does), so nothing is left behind.

Skipped on SQLite; on CI (CI=true) a missing PostgreSQL fails instead.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.dbroles import grant_application_role
from portal.management.commands import migrate as migrate_command

pytestmark = pytest.mark.django_db

APP_ROLE = "portal_app"


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the suite is not on PostgreSQL: the audit role test must run")
        pytest.skip("The database roles are a PostgreSQL matter")


@pytest.fixture
def entry(postgresql, ministry, school):
    with transaction.atomic():
        return audit_record(actor=ministry, action="school.update", target=school, school=school)


def _as_owner(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def app_role(entry):
    """The application's role, with the access ``manage.py migrate`` grants it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    grant_application_role(connection, APP_ROLE)
    return APP_ROLE


def _as_app(sql, params=None):
    """Run one statement as the application's role, in a savepoint."""
    with transaction.atomic(), connection.cursor() as cursor:
        # A refused statement rolls the savepoint back, and with it the SET LOCAL.
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        cursor.execute(sql, params)
        cursor.execute("RESET ROLE")


ATTEMPTS = [
    "TRUNCATE audit_auditentry",
    "TRUNCATE schools_school CASCADE",
    "UPDATE audit_auditentry SET action = 'x'",
    "DELETE FROM audit_auditentry",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_update",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditentry ADD COLUMN hidden integer",
    "DROP TRIGGER audit_no_truncate ON audit_auditentry",
    "DROP TRIGGER audit_no_delete ON audit_auditentry",
    "DROP FUNCTION audit_refuse_change() CASCADE",
    "CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$ "
    "BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
    "DROP TABLE audit_auditentry",
    "ALTER TABLE audit_auditentry RENAME TO audit_old",
    "SET session_replication_role = replica",
]


@pytest.mark.parametrize("sql", ATTEMPTS)
def test_application_role_cannot_empty_alter_or_unguard_the_audit_trail(app_role, entry, sql):
    with pytest.raises(DatabaseError):
        _as_app(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, action="school.update").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger "
            "WHERE tgrelid = 'audit_auditentry'::regclass AND NOT tgisinternal ORDER BY tgname"
        )
        assert cursor.fetchall() == [
            ("audit_no_delete", "O"),
            ("audit_no_truncate", "O"),
            ("audit_no_update", "O"),
        ]


def test_application_role_does_not_own_the_tables(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditentry'")
        (owner,) = cursor.fetchone()
    assert owner != APP_ROLE


def test_application_role_appends_and_reads_the_trail(app_role, entry):
    _as_app(
        "INSERT INTO audit_auditentry (at, action, target_id, target_repr, note) "
        "VALUES (now(), 'manual.note', '', '', 'by the application')"
    )
    _as_app("SELECT count(*) FROM audit_auditentry")
    assert AuditEntry.objects.filter(action="manual.note").count() == 1


def test_application_role_writes_the_other_tables(app_role, school):
    _as_app("UPDATE schools_school SET phone = '04-1234567' WHERE id = %s", [school.pk])
    school.refresh_from_db()
    assert school.phone == "04-1234567"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("TRUNCATE audit_auditentry", "The audit trail cannot be emptied"),
        ("UPDATE audit_auditentry SET action = 'x'", "The audit trail is append-only"),
        ("DELETE FROM audit_auditentry", "The audit trail is append-only"),
    ],
)
def test_triggers_refuse_even_a_role_granted_everything(app_role, entry, sql, message):
    """Were the role ever granted TRUNCATE, UPDATE and DELETE by mistake, the triggers still
    refuse (only the owner, who could drop them anyway, may empty the table)."""
    _as_owner(f"GRANT ALL ON audit_auditentry TO {APP_ROLE}")
    # The entry's foreign keys are checked now, not at commit: TRUNCATE refuses to run
    # with checks pending, and it is the trigger's refusal this test is after.
    _as_owner("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError) as excinfo:
        _as_app(sql)
    assert message in str(excinfo.value)
    assert AuditEntry.objects.filter(pk=entry.pk, action="school.update").exists()


# --- The migrate command connects as the owner ------------------------------------------------


class _FakeConnection:
    vendor = "postgresql"

    def __init__(self):
        self.settings_dict = {"USER": "portal_app", "PASSWORD": "app", "HOST": "db", "PORT": 5432}
        self.closed = 0

    def close(self):
        self.closed += 1


def test_migrate_runs_as_the_owner_then_grants_the_application_role(monkeypatch, settings):
    settings.DATABASE_MIGRATE = {"USER": "portal", "PASSWORD": "owner", "HOST": "db", "PORT": 5432}
    fake = _FakeConnection()
    seen, granted = [], []
    monkeypatch.setattr(migrate_command, "connections", {"default": fake})
    monkeypatch.setattr(
        migrate_command.MigrateCommand,
        "handle",
        lambda self, *a, **o: seen.append(dict(fake.settings_dict)),
    )
    monkeypatch.setattr(
        migrate_command, "grant_application_role", lambda c, role: granted.append(role)
    )
    migrate_command.Command().handle(database="default", verbosity=0)
    assert seen == [{"USER": "portal", "PASSWORD": "owner", "HOST": "db", "PORT": 5432}]
    assert fake.closed == 1
    assert granted == ["portal_app"]


def test_migrate_without_an_owner_url_is_plain(monkeypatch, settings):
    settings.DATABASE_MIGRATE = None
    fake = _FakeConnection()
    granted = []
    monkeypatch.setattr(migrate_command, "connections", {"default": fake})
    monkeypatch.setattr(migrate_command.MigrateCommand, "handle", lambda self, *a, **o: None)
    monkeypatch.setattr(
        migrate_command, "grant_application_role", lambda c, role: granted.append(role)
    )
    migrate_command.Command().handle(database="default", verbosity=0)
    assert (fake.settings_dict["USER"], fake.closed, granted) == ("portal_app", 0, [])


# --- The whole production path: migrate as the owner, then log in as portal_app ---------------


@pytest.fixture
def app_login(postgresql):
    """portal_app as CI creates it (.ci/run: LOGIN, password portal_app)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        row = cursor.fetchone()
    if not (row and row[0]):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the role portal_app (created by .ci/run) cannot log in")
        pytest.skip("No portal_app role that can log in (.ci/run creates it)")
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    owner = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{port}/{db['NAME']}"
    app = f"postgres://{APP_ROLE}:portal_app@{host}:{port}/{db['NAME']}"
    return owner, app


@pytest.mark.django_db(transaction=True)
def test_migrate_as_owner_then_the_application_role_cannot_empty_the_trail(app_login):
    import psycopg

    owner_url, app_url = app_login
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "DATABASE_URL": app_url, "DATABASE_MIGRATE_URL": owner_url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"Row access granted to the application's role {APP_ROLE}." in result.stdout

    with psycopg.connect(app_url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(
            "INSERT INTO audit_auditentry (at, action, target_id, target_repr, note) "
            "VALUES (now(), 'manual.note', '', '', 'as the application')"
        )
        for sql in (
            "TRUNCATE audit_auditentry",
            "DELETE FROM audit_auditentry",
            "UPDATE audit_auditentry SET note = 'rewritten'",
            "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute(sql)
    assert list(AuditEntry.objects.values_list("note", flat=True)) == ["as the application"]
