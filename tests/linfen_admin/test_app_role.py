"""PostgreSQL deployment: the application role owns no table; on the audit trail it may only read and append,
so it can neither rewrite nor wipe the trail, nor switch its triggers off (等保 2.0: a trail nobody can wipe)."""

import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_application_role_reads_and_appends_but_cannot_wipe_the_trail(users):
    import psycopg

    from linfen_admin import audit
    from linfen_admin.models import Region

    role = f"linfen_app_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'app-test-pw'")
    try:
        call_command("grant_app_role", role, verbosity=0)
        audit.record(actor=users["admin"], action=audit.Action.UPDATE, obj=Region.objects.first())
        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            dbname=db["NAME"],
            user=role,
            password="app-test-pw",
            autocommit=True,
        ) as app:
            assert app.execute("SELECT count(*) FROM linfen_admin_auditevent").fetchone()[0] >= 1
            app.execute("UPDATE land_parcel SET note = note")  # business rows: read and write
            for statement in (
                "TRUNCATE linfen_admin_auditevent",
                "ALTER TABLE linfen_admin_auditevent DISABLE TRIGGER USER",
                "DELETE FROM linfen_admin_auditevent",
                "UPDATE linfen_admin_auditevent SET comment = 'x'",
                "DROP TABLE land_parcel",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
