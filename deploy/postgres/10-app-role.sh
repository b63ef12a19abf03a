#!/bin/sh
# The portal's application role: it logs in and gets row access from `manage.py migrate`
# (run as the owner, POSTGRES_USER); it owns nothing, so it cannot alter, truncate or drop
# a table, nor disable the audit trail's triggers. Run once, when the volume is created.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE portal_app LOGIN PASSWORD '${PORTAL_APP_DB_PASSWORD:-portal_app}';
GRANT CONNECT ON DATABASE "$POSTGRES_DB" TO portal_app;
SQL
