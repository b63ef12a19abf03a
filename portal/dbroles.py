"""The application's database role is not the owner of the tables.

In production the tables belong to an owner role that only ``manage.py migrate`` uses
(``DATABASE_MIGRATE_URL``); the web processes and workers connect as the application's role
(``DATABASE_URL``, e.g. ``portal_app``), which may read and write rows but cannot alter,
truncate or drop a table, nor disable or drop a trigger — so it cannot empty or rewrite the
audit trail, whose triggers refuse UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

#: Tables the application may only read and append to.
APPEND_ONLY_TABLES = ("audit_auditentry",)


def grant_application_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Give ``role`` row access (SELECT, INSERT, UPDATE, DELETE) to every table of the
    schema, and only SELECT and INSERT on the append-only ones. Run as the owner, after
    each migration (new tables). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    who = quote(role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {who}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}"
        )
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}")
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {who}")
