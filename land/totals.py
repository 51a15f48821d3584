"""The running totals behind the progress figures and the ledger: each parcel's ``disposed_total_mu`` and the area
disposed of per region × kind × day (``DisposalDay``), changed only by the disposal services, in the transaction
that writes the record and under the parcel's row lock; and the number of parcels per region (``ParcelCount``),
moved by ``count_parcels`` from the services that add, move and remove parcels. ``rebuild`` recomputes them all
(after a bulk load, or to prove they match: ``manage.py rebuild_land_totals --check``)."""

import datetime
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Round

from .rules import ZERO

RUNNING_TOTALS_LOCK = 7_421  # the advisory-lock namespace of the running totals (PostgreSQL)


def add_to_day(*, region_id: int, kind: str, day: datetime.date, area: Decimal) -> None:
    """Add ``area`` (negative to withdraw) to the day's total and to the running total (``cumulative_mu``) of that
    day and every later day of its year; the day's row is created on first use, starting from the running total
    of the day before it. Writers of one region and kind take turns (a transaction-level advisory lock on
    PostgreSQL; SQLite has one writer at a time): a running total read while another writer adds to an earlier
    day would miss that area."""
    from .models import DisposalDay

    _take_turns(region_id, kind)
    same = DisposalDay.objects.filter(region_id=region_id, kind=kind)
    if not same.filter(day=day).update(area_mu=Round(F("area_mu") + area, 3)):
        before = (
            same.filter(day__gte=datetime.date(day.year, 1, 1), day__lt=day)
            .order_by("-day")
            .values_list("cumulative_mu", flat=True)
            .first()
        )
        DisposalDay.objects.create(
            region_id=region_id, kind=kind, day=day, area_mu=area, cumulative_mu=before or ZERO
        )
    same.filter(day__gte=day, day__lte=datetime.date(day.year, 12, 31)).update(
        cumulative_mu=Round(F("cumulative_mu") + area, 3)  # SQLite adds in floating point: back to 3 places
    )


def count_parcels(changes: dict[int, int]) -> None:
    """Add each {region id: number} (negative to remove) to the region's parcel count, created on first use. Both
    databases add in place (``ON CONFLICT … DO UPDATE``), so two writers in one region each add their own; regions
    in id order, so that writers of several regions lock their rows in one order."""
    from .models import ParcelCount

    connection = connections[router.db_for_write(ParcelCount)]
    table = connection.ops.quote_name(ParcelCount._meta.db_table)
    with connection.cursor() as cursor:
        for region_id, number in sorted(changes.items()):
            if number > 0:
                cursor.execute(
                    f"INSERT INTO {table} (region_id, parcels) VALUES (%s, %s) "
                    f"ON CONFLICT (region_id) DO UPDATE SET parcels = {table}.parcels + excluded.parcels",
                    [region_id, number],
                )
            elif number < 0:  # the row exists (its parcels were counted); a negative row would fail its check
                cursor.execute(
                    f"UPDATE {table} SET parcels = parcels + %s WHERE region_id = %s", [number, region_id]
                )


def _take_turns(region_id: int, kind: str) -> None:
    from .models import DisposalDay, Parcel

    connection = connections[router.db_for_write(DisposalDay)]
    if connection.vendor != "postgresql":
        return
    kinds = [value for value, _label in Parcel.Kind.choices]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [RUNNING_TOTALS_LOCK, region_id * len(kinds) + kinds.index(kind)],
        )


def sync_region_order(region_ids=None) -> int:
    """Copy each region's ``order`` onto its parcels where it differs (after a region is reordered); returns how
    many parcels moved."""
    from django.db.models import OuterRef, Subquery

    from linfen_admin.models import Region

    from .models import Parcel

    parcels = Parcel.objects.exclude(region_order=F("region__order"))
    if region_ids is not None:
        parcels = parcels.filter(region_id__in=region_ids)
    order = Region.objects.filter(pk=OuterRef("region_id")).values("order")[:1]
    return parcels.update(region_order=Subquery(order))


def parcel_records() -> dict[int, tuple[Decimal, datetime.date]]:
    """Each parcel with records: (their sum, the latest date), in one pass over the records."""
    from .models import DisposalRecord

    rows = (
        DisposalRecord.objects.order_by()
        .values_list("parcel")
        .annotate(total=Sum("area_mu"), last=Max("disposed_on"))
    )
    return {parcel: (total, last) for parcel, total, last in rows}


def day_sums() -> dict[tuple[int, str, datetime.date], Decimal]:
    from .models import DisposalRecord

    rows = (
        DisposalRecord.objects.order_by()
        .values_list("parcel__region_id", "parcel__kind", "disposed_on")
        .annotate(total=Sum("area_mu"))
    )
    return {(region, kind, day): total for region, kind, day, total in rows}


def count_differences() -> list[str]:
    """Where the kept parcel counts differ from the parcels (empty when they match)."""
    from .models import Parcel, ParcelCount

    counted = dict(Parcel.objects.order_by().values_list("region_id").annotate(n=Count("*")))
    kept = dict(ParcelCount.objects.values_list("region_id", "parcels"))
    return [
        f"region #{region}: parcel count kept {kept.get(region, 0)}, parcels {counted.get(region, 0)}"
        for region in sorted(set(counted) | set(kept))
        if kept.get(region, 0) != counted.get(region, 0)
    ]


def differences() -> list[str]:
    """Where the kept totals differ from the records (empty when they match)."""
    from .models import DisposalDay, Parcel

    problems = []
    records = parcel_records()
    for pk, code, kept, kept_latest in (
        Parcel.objects.order_by("pk")
        .values_list("pk", "code", "disposed_total_mu", "last_disposed_on")
        .iterator()
    ):
        total, latest = records.get(pk, (ZERO, None))
        if kept != total:
            problems.append(f"parcel {code} (#{pk}): kept {kept}, records {total}")
        if kept_latest != latest:
            problems.append(f"parcel {code} (#{pk}): latest record kept {kept_latest}, records {latest}")
    stale = Parcel.objects.exclude(region_order=F("region__order")).count()
    if stale:
        problems.append(f"{stale} parcels: region order differs from their region's")
    expected_days = day_sums()
    kept_days = {
        (r, k, d): a for r, k, d, a in DisposalDay.objects.values_list("region_id", "kind", "day", "area_mu")
    }
    for key in sorted(set(expected_days) | set(kept_days), key=str):
        if kept_days.get(key, ZERO) != expected_days.get(key, ZERO):
            problems.append(
                f"day {key}: kept {kept_days.get(key, ZERO)}, records {expected_days.get(key, ZERO)}"
            )
    problems += count_differences()
    running: dict[tuple[int, str, int], Decimal] = {}
    for region, kind, day, kept in DisposalDay.objects.order_by("region_id", "kind", "day").values_list(
        "region_id", "kind", "day", "cumulative_mu"
    ):
        key = (region, kind, day.year)
        running[key] = running.get(key, ZERO) + expected_days.get((region, kind, day), ZERO)
        if kept != running[key]:
            problems.append(f"day {(region, kind, day)}: running total kept {kept}, records {running[key]}")
    return problems


@transaction.atomic
def rebuild() -> dict:
    """Recompute both totals from the records, set-based (UPDATEs and one INSERT … SELECT), the days' running
    totals from the days, the parcels' region order from their regions and each region's parcel count."""
    from django.db import connection

    fill_region_order(connection)
    counts = rebuild_tables(connection)
    fill_last_disposed_on(connection)
    fill_cumulative(connection)
    fill_parcel_counts(connection)
    return counts


def fill_last_disposed_on(connection) -> None:
    """Every parcel's latest record date from the records (migration 0015 fills the new column the same way)."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "land_parcel" SET "last_disposed_on" = NULL WHERE "last_disposed_on" IS NOT NULL'
        )
        cursor.execute(
            'UPDATE "land_parcel" SET "last_disposed_on" = s.last FROM ('
            'SELECT "parcel_id", MAX("disposed_on") AS last FROM "land_disposalrecord" GROUP BY "parcel_id") s '
            'WHERE "land_parcel"."id" = s."parcel_id"'
        )


def fill_region_order(connection) -> None:
    """Every parcel's ``region_order`` from its region, by table name (migration 0005 fills the column with it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "land_parcel" SET "region_order" = (SELECT r."order" FROM "linfen_admin_region" r '
            'WHERE r."id" = "land_parcel"."region_id")'
        )


def fill_parcel_counts(connection) -> None:
    """Every region's parcel count from the parcels, by table name (migration 0013 fills the new table with it)."""
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM "land_parcelcount"')
        cursor.execute(
            'INSERT INTO "land_parcelcount" ("region_id", "parcels") '
            'SELECT "region_id", COUNT(*) FROM "land_parcel" GROUP BY "region_id"'
        )


def rebuild_tables(connection) -> dict:
    """``rebuild`` on a connection, by table name (migration 0004 fills the new columns with it)."""
    parcel, record, day = "land_parcel", "land_disposalrecord", "land_disposalday"
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{parcel}" SET "disposed_total_mu" = 0 WHERE "disposed_total_mu" <> 0')
        cursor.execute(
            f'UPDATE "{parcel}" SET "disposed_total_mu" = s.total FROM ('
            f'SELECT "parcel_id", SUM("area_mu") AS total FROM "{record}" GROUP BY "parcel_id") s '
            f'WHERE "{parcel}"."id" = s."parcel_id"'
        )
        parcels = cursor.rowcount
        cursor.execute(f'DELETE FROM "{day}"')
        cursor.execute(
            f'INSERT INTO "{day}" ("region_id", "kind", "day", "area_mu") '
            f'SELECT p."region_id", p."kind", r."disposed_on", SUM(r."area_mu") FROM "{record}" r '
            f'JOIN "{parcel}" p ON p."id" = r."parcel_id" GROUP BY p."region_id", p."kind", r."disposed_on"'
        )
        days = cursor.rowcount
    return {"parcels": parcels, "days": days}


def fill_cumulative(connection) -> None:
    """Every day row's running total within its year, from the day rows, by table name (migration 0012 fills the
    new column with it)."""
    day = "land_disposalday"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f'UPDATE "{day}" d SET "cumulative_mu" = s.total FROM ('
                f'SELECT "id", SUM("area_mu") OVER (PARTITION BY "region_id", "kind", EXTRACT(YEAR FROM "day") '
                f'ORDER BY "day") AS total FROM "{day}") s WHERE d."id" = s."id"'
            )
        else:
            cursor.execute(
                f'UPDATE "{day}" SET "cumulative_mu" = (SELECT SUM(e."area_mu") FROM "{day}" e '
                f'WHERE e."region_id" = "{day}"."region_id" AND e."kind" = "{day}"."kind" '
                f'AND e."day" <= "{day}"."day" AND strftime(\'%Y\', e."day") = strftime(\'%Y\', "{day}"."day"))'
            )
