"""Trigram indexes (pg_trgm) for the ledger's search ``q``: ``icontains`` on 宗地编号, 名称, 位置 and 批准文号 is
``UPPER(col) LIKE UPPER('%…%')`` on PostgreSQL, which a GIN index on ``UPPER(col) gin_trgm_ops`` serves — Chinese
text included (trigrams are taken per character under a UTF-8 locale). Searches of one or two characters have no
trigram and still scan. SQLite: nothing to do."""

from django.db import migrations

COLUMNS = ("code", "name", "location", "approval_no")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "land_parcel_{column}_trgm" ON "land_parcel" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "land_parcel_{column}_trgm"')


class Migration(migrations.Migration):
    dependencies = [("land", "0005_parcel_region_order")]

    operations = [migrations.RunPython(create, drop)]
