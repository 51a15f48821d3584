"""Searches of one or two characters — most Chinese words are two — have no trigram, so the trigram indexes of
0006 cannot serve them and a search like 城东 read the whole ledger. ``land_parcel_grams`` is the set of every one-
and two-character piece of 宗地编号, 名称, 位置 and 批准文号 (each column on its own, in upper case as ``icontains``
compares), indexed with GIN; ``land_search_grams`` is the same pieces of the search text. For a search of one or two
characters, "the row's pieces include the search's" is exactly ``icontains`` on one of the four columns, so the
index answers it alone. SQLite: nothing to do (its ``icontains`` serves a county's ledger)."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION land_parcel_grams(code text, name text, location text, approval_no text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
DECLARE
    t text;
    pieces text[] := '{}';
BEGIN
    -- a loop, not generate_series and an aggregate: 10 µs a row instead of 37 (every insert pays it); GIN keeps
    -- each piece once, so repeats need not be removed here
    FOREACH t IN ARRAY ARRAY[upper(code), upper(name), upper(location), upper(approval_no)] LOOP
        pieces := pieces || string_to_array(t, NULL);
        FOR i IN 1 .. length(t) - 1 LOOP
            pieces := array_append(pieces, substr(t, i, 2));
        END LOOP;
    END LOOP;
    RETURN pieces;
END
$$;
CREATE OR REPLACE FUNCTION land_search_grams(value text)
RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN length(upper(value)) < 2 THEN ARRAY[upper(value)]
           ELSE ARRAY(SELECT DISTINCT substr(upper(value), i, 2) FROM generate_series(1, length(upper(value)) - 1) AS i)
           END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "land_parcel_search_grams" ON "land_parcel" '
        'USING gin (land_parcel_grams("code", "name", "location", "approval_no"))'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "land_parcel_search_grams"')
    schema_editor.execute("DROP FUNCTION IF EXISTS land_parcel_grams(text, text, text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS land_search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("land", "0013_parcel_counts")]

    operations = [migrations.RunPython(create, drop)]
