"""Make the audit table append-only in the database itself, for every user including superusers.

PostgreSQL refuses UPDATE and DELETE through a trigger. SQLite refuses UPDATE through a trigger; a DELETE
trigger is left out there because Django's test flush empties tables with DELETE (PostgreSQL flushes with
TRUNCATE, which row triggers do not see) — the ORM refuses deletes on both databases.
"""

from django.db import migrations

TABLE = "linfen_admin_auditevent"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION linfen_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER linfen_audit_no_update BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION linfen_audit_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS linfen_audit_no_update ON {TABLE};
DROP FUNCTION IF EXISTS linfen_audit_append_only();
"""
SQLITE_FORWARD = f"""
CREATE TRIGGER linfen_audit_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only (UPDATE refused)'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS linfen_audit_no_update;"


def _run(schema_editor, sql):
    # A plain cursor (no parameters) so that "%" in PL/pgSQL is not taken for a placeholder.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD.replace("%%", "%"))
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_REVERSE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("linfen_admin", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
