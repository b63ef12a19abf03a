"""The audit trail cannot be emptied: on PostgreSQL a statement trigger refuses TRUNCATE
(the row triggers of 0002 do not fire for it) — also through ``TRUNCATE … CASCADE`` of a
table the trail refers to.

The table's owner is let through: it could drop the trigger anyway, and the test runner,
connected as the owner, empties every table with TRUNCATE between transactional tests.
The application connects as a role that is not the owner (``portal.dbroles``): for it the
refusal stands even if it were ever granted TRUNCATE.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF pg_has_role(
        current_user,
        (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail cannot be emptied';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(forward, backward)]
