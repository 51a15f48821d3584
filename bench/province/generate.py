"""Province-scale data for the benchmarks, loaded with PostgreSQL ``COPY`` (seeded: the same size gives the same rows).

Regions of very different sizes (a few large counties, a long tail of small ones); parcels of both kinds with 0–5
disposals dated over the campaign year, idle land with agreed start dates; subsidy applications across every
workflow state; approval cases over several years. The reference data (regions of Linfen, campaigns, award tables,
the 19 items) and the demo cast come from the product's own ``load_seed`` and ``seed_demo``; what ``COPY`` writes
is what the services would have written (derived fields such as a parcel's status are computed here the same way),
so ``ANALYZE`` then sees realistic distributions.
"""

import datetime
import json
import random
from decimal import Decimal

THOUSANDTH = Decimal("0.001")


def _weights(count: int, skew: float = 0.9) -> list[float]:
    """Zipf-like sizes: region ``r`` gets a share ∝ 1/(r+1)^skew (尧都区 first, as the largest)."""
    raw = [1 / (rank + 1) ** skew for rank in range(count)]
    total = sum(raw)
    return [w / total for w in raw]


def _copy(cursor, model, rows, columns: list[str]) -> int:
    """Write ``rows`` (tuples in ``columns`` order) into ``model``'s table through ``COPY … FROM STDIN``."""
    table = model._meta.db_table
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    count = 0
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _copy_dicts(cursor, model, rows) -> int:
    """``_copy`` for dicts of field values; every other column gets its default (see ``_row_defaults``)."""
    from django.utils import timezone

    now = timezone.now()
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns = list(_row_defaults(model, first, now))

    def tuples():
        for row in _chain(first, iterator):
            values = _row_defaults(model, row, now)
            yield tuple(values[c] for c in columns)

    return _copy(cursor, model, tuples(), columns)


def _chain(first, rest):
    yield first
    yield from rest


def _reset_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT max(id) FROM \"{table}\"), 1))"
    )


def add_regions(cursor, count: int) -> list[int]:
    """Keep Linfen's regions and add counties up to ``count`` (codes 9xxxxx, names 测试县N)."""
    from linfen_admin.models import Region

    existing = list(Region.objects.order_by("order").values_list("pk", flat=True))
    top_order = Region.objects.order_by("-order").values_list("order", flat=True).first() or 0
    missing = max(0, count - len(existing))
    rows = (
        {
            "code": f"9{n:05d}",
            "name": f"测试县{n:04d}",
            "kind": Region.Kind.COUNTY,
            "order": top_order + 1 + n,
        }
        for n in range(missing)
    )
    _copy_dicts(cursor, Region, rows)
    _reset_sequence(cursor, Region)
    return list(Region.objects.filter(kind=Region.Kind.COUNTY).order_by("order").values_list("pk", flat=True))


def add_land(cursor, *, regions: list[int], parcels: int, year: int, actor_id: int, seed: int) -> dict:
    """Parcels and their disposals; returns counts."""
    from django.utils import timezone

    from land.models import Campaign, DisposalRecord, Parcel, TaskQuota

    rng = random.Random(seed)
    weights = _weights(len(regions))
    now = timezone.now()
    year_start = datetime.date(year, 1, 1)
    disposal_rows: list[tuple] = []
    region_area: dict[tuple[int, str], Decimal] = {}
    parcel_columns = [
        "region",
        "kind",
        "code",
        "name",
        "location",
        "coordinates",
        "area_mu",
        "land_use_status",
        "status",
        "supervised",
        "approval_no",
        "approved_on",
        "expropriation_status",
        "unsupplied_reason",
        "disposal_path",
        "supply_method",
        "supplied_on",
        "land_price_wan",
        "land_use",
        "agreed_start_on",
        "actual_start_on",
        "cause",
        "idle_disposal",
        "note",
        "version",
        "created_at",
        "updated_at",
        "boundary",
        "lon",
        "lat",
    ]
    first_id = (Parcel.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    unsupplied_methods = [c for c, _label in Parcel.DisposalPath.choices]
    idle_methods = [c for c, _label in Parcel.IdleDisposal.choices]

    def parcel_rows():
        region_of = rng.choices(regions, weights=weights, k=parcels)
        for n in range(parcels):
            region = region_of[n]
            idle = rng.random() < 0.4
            kind = Parcel.Kind.IDLE if idle else Parcel.Kind.UNSUPPLIED
            area = (Decimal(rng.randint(500, 200_000)) / 1000).quantize(THOUSANDTH)
            approved = datetime.date(rng.randint(2009, 2019), rng.randint(1, 12), rng.randint(1, 28))
            # 0–5 disposals, three on average (3,000,000 for 1,000,000 parcels); together at most the area
            count = rng.choices(range(6), weights=[8, 12, 15, 20, 22, 23])[0]
            remaining, disposed = area, Decimal(0)
            for index in range(count):
                share = (
                    remaining
                    if index == count - 1 and rng.random() < 0.5
                    else remaining * Decimal(rng.randint(10, 60)) / 100
                )
                share = share.quantize(THOUSANDTH)
                if share <= 0:
                    break
                remaining -= share
                disposed += share
                day = year_start + datetime.timedelta(days=rng.randint(0, 364))
                method = rng.choice(idle_methods if idle else unsupplied_methods)
                disposal_rows.append(
                    (first_id + n, day, share, method, f"临自然资处〔{year}〕{n % 997}号", "", actor_id, now)
                )
            status = (
                Parcel.Status.PENDING
                if disposed == 0
                else Parcel.Status.DONE
                if disposed >= area
                else Parcel.Status.IN_PROGRESS
            )
            region_area[(region, kind)] = region_area.get((region, kind), Decimal(0)) + area
            agreed = approved + datetime.timedelta(days=rng.randint(180, 900)) if idle else None
            yield dict(
                zip(
                    parcel_columns,
                    (
                        region,
                        kind,
                        f"P{n:08d}",
                        f"{'闲置' if idle else '批而未供'}地块{n}号",
                        f"某镇某村{n % 500}号",
                        "",
                        area,
                        "",
                        status,
                        rng.random() < 0.01,
                        "" if idle else f"晋政地字〔{approved.year}〕{n % 300}号",
                        None if idle else approved,
                        "",
                        "",
                        "",
                        rng.choice(["tender", "auction", "listing"]) if idle else "",
                        approved + datetime.timedelta(days=90) if idle else None,
                        (Decimal(rng.randint(1000, 500_000)) / 100) if idle else None,
                        "",
                        agreed,
                        None,
                        rng.choice([Parcel.Cause.ENTERPRISE, Parcel.Cause.GOVERNMENT]) if idle else "",
                        "",
                        "",
                        1,
                        now,
                        now - datetime.timedelta(minutes=rng.randint(0, 525_600)),
                        None,
                        None,
                        None,
                    ),
                    strict=True,
                )
            )

    created = _copy_dicts(cursor, Parcel, parcel_rows())
    _reset_sequence(cursor, Parcel)
    disposals = _copy(
        cursor,
        DisposalRecord,
        iter(disposal_rows),
        ["parcel", "disposed_on", "area_mu", "method", "document", "note", "created_by", "created_at"],
    )
    _reset_sequence(cursor, DisposalRecord)
    campaign = Campaign.objects.get(year=year)
    TaskQuota.objects.filter(campaign=campaign, region_id__in=regions).delete()
    quotas = (
        (
            campaign.pk,
            region,
            (region_area.get((region, Parcel.Kind.UNSUPPLIED), Decimal(0)) * Decimal("0.6")).quantize(
                THOUSANDTH
            ),
            (region_area.get((region, Parcel.Kind.IDLE), Decimal(0)) * Decimal("0.6")).quantize(THOUSANDTH),
        )
        for region in regions
    )
    _copy(cursor, TaskQuota, quotas, ["campaign", "region", "unsupplied_mu", "idle_mu"])
    _reset_sequence(cursor, TaskQuota)
    return {"parcels": created, "disposals": disposals}


def _valid_choices(model, name: str) -> list[str]:
    return [value for value, _label in model._meta.get_field(name).choices]


def _row_defaults(model, given: dict, now) -> dict:
    """Every concrete column of ``model``: what is given, else the field's default, else empty text or NULL."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in given:
            values[field.name] = given[field.name]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values[field.name] = now
        elif field.has_default():
            values[field.name] = field.get_default()
        elif field.null:
            values[field.name] = None
        else:
            values[field.name] = ""
        if field.get_internal_type() == "JSONField" and values[field.name] is not None:
            values[field.name] = json.dumps(values[field.name], ensure_ascii=False)
    return values


def add_applications(cursor, *, regions: list[int], count: int, actor_id: int, seed: int) -> int:
    from django.utils import timezone

    from subsidies.models import Application, Call, Category, State

    rng = random.Random(seed + 1)
    weights = _weights(len(regions))
    calls = list(Call.objects.values_list("pk", flat=True))
    states = [value for value, _label in State.choices]
    categories = [value for value, _label in Category.choices]
    now = timezone.now()

    def rows():
        region_of = rng.choices(regions, weights=weights, k=count)
        for n in range(count):
            given = {
                "call": rng.choice(calls),
                "region": region_of[n],
                "enterprise_name": f"测试企业{n % 50_000}有限公司",
                "credit_code": f"91141000MA0{n % 10_000_000:07d}",
                "project_name": f"技术改造项目{n}",
                "category": rng.choice(categories),
                "investment_wan": Decimal(rng.randint(500, 50_000)),
                "award_wan": Decimal(rng.randint(0, 300)),
                "eligible": rng.random() < 0.8,
                "state": rng.choice(states),
                "state_changed_at": now - datetime.timedelta(days=rng.randint(0, 700)),
                "created_by": actor_id,
            }
            yield given

    written = _copy_dicts(cursor, Application, rows())
    _reset_sequence(cursor, Application)
    return written


def add_cases(cursor, *, regions: list[int], count: int, actor_id: int, seed: int) -> int:
    from django.utils import timezone

    from approvals.models import Case, Item
    from linfen_admin.models import Department

    rng = random.Random(seed + 2)
    weights = _weights(len(regions))
    items = list(Item.objects.values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    statuses = _valid_choices(Case, "status")
    today = timezone.localdate()

    def rows():
        region_of = rng.choices(regions, weights=weights, k=count)
        for n in range(count):
            accepted = today - datetime.timedelta(days=rng.randint(0, 4 * 365))
            due = accepted + datetime.timedelta(days=rng.randint(5, 40))
            status = statuses[0] if accepted > today - datetime.timedelta(days=30) else rng.choice(statuses)
            given = {
                "item": rng.choice(items),
                "region": region_of[n],
                "department": rng.choice(departments),
                "applicant_name": f"申请人{n % 80_000}",
                "applicant_credit_code": f"92141000MA0{n % 10_000_000:07d}",
                "accepted_on": accepted,
                "promised_days": 10,
                "statutory_due_on": due,
                "due_on": due,
                "status": status,
                "decided_on": None
                if status == statuses[0]
                else due - datetime.timedelta(days=rng.randint(0, 4)),
                "created_by": actor_id,
            }
            yield given

    written = _copy_dicts(cursor, Case, rows())
    _reset_sequence(cursor, Case)
    return written
