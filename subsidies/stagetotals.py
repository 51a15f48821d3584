"""The kept totals behind the funnel and the budget usage (``StageTotal``): per call, region, workflow state and award
category, how many applications there are and their summed 测算奖励 and 拟支持 amounts.

Every service that creates an application or changes its call, region, state, category or amounts takes the
application's ``share`` before and after and calls ``moved`` in the same transaction: the old group loses one and
its amounts, the new one gains them — in its region's row and in the whole city's (``region`` empty) — one upsert
each (concurrent writers add to the same row, they never overwrite each other). ``rebuild`` recomputes everything from the applications — after a bulk load — and
``differences`` proves the kept totals match them (``manage.py rebuild_subsidy_totals [--check]``).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from .models import Application, StageTotal

ZERO = Decimal("0.00")
GROUP = ("call_id", "region_id", "state", "category")


@dataclass(frozen=True)
class Share:
    """What one application adds to its group."""

    call_id: int
    region_id: int
    state: str
    category: str
    award_wan: Decimal
    planned_wan: Decimal

    @property
    def group(self) -> tuple:
        return (self.call_id, self.region_id, self.state, self.category)


def share(application: Application) -> Share:
    return Share(
        application.call_id,
        application.region_id,
        application.state,
        application.category,
        application.award_wan or ZERO,
        application.planned_wan or ZERO,
    )


def moved(before: Share | None, after: Share | None) -> None:
    """Move one application's share from ``before`` (None: it is new) to ``after`` (None: it is gone)."""
    if before == after:
        return
    if before is not None:
        _add(before, -1)
    if after is not None:
        _add(after, 1)


def _add(share: Share, sign: int) -> None:
    table = connection.ops.quote_name(StageTotal._meta.db_table)
    with connection.cursor() as cursor:
        # PostgreSQL and SQLite both add to an existing row in place (``ON CONFLICT … DO UPDATE``), so two writers of
        # one group each add their own share; the region's row first, then the city's, always in that order.
        for region_id in (share.region_id, None):
            cursor.execute(
                f"INSERT INTO {table} "
                "(region_key, region_id, call_id, state, category, count, award_wan, planned_wan) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (region_key, call_id, state, category) DO UPDATE SET "
                f"count = {table}.count + excluded.count, "
                f"award_wan = {table}.award_wan + excluded.award_wan, "
                f"planned_wan = {table}.planned_wan + excluded.planned_wan",
                [
                    region_id or 0,
                    region_id,
                    share.call_id,
                    share.state,
                    share.category,
                    sign,
                    sign * share.award_wan,
                    sign * share.planned_wan,
                ],
            )


def _recounted() -> dict[tuple, tuple]:
    rows = (
        Application.objects.order_by()
        .values(*GROUP)
        .annotate(
            n=Count("id"), award=Coalesce(Sum("award_wan"), ZERO), planned=Coalesce(Sum("planned_wan"), ZERO)
        )
    )
    recounted = {tuple(row[name] for name in GROUP): (row["n"], row["award"], row["planned"]) for row in rows}
    city: dict[tuple, tuple] = {}
    for (call_id, _region_id, state, category), (n, award, planned) in recounted.items():
        before = city.get((call_id, None, state, category), (0, ZERO, ZERO))
        city[(call_id, None, state, category)] = (before[0] + n, before[1] + award, before[2] + planned)
    return {**recounted, **city}


def _kept() -> dict[tuple, tuple]:
    rows = StageTotal.objects.exclude(count=0, award_wan=0, planned_wan=0).values(
        *GROUP, "count", "award_wan", "planned_wan"
    )
    return {
        tuple(row[name] for name in GROUP): (row["count"], row["award_wan"], row["planned_wan"])
        for row in rows
    }


def differences() -> list[str]:
    """Each group whose kept totals differ from the applications' (empty when they match)."""
    recounted, kept = _recounted(), _kept()
    problems = []
    for group in sorted(recounted.keys() | kept.keys(), key=lambda group: tuple(str(part) for part in group)):
        expected, actual = recounted.get(group, (0, ZERO, ZERO)), kept.get(group, (0, ZERO, ZERO))
        if expected != actual:
            problems.append(
                "申报通知 {} 区域 {} {} {}:应为 {} 件 {} / {} 万元,记为 {} 件 {} / {} 万元".format(
                    group[0], group[1] or "全市", *group[2:], *expected, *actual
                )
            )
    return problems


@transaction.atomic
def rebuild() -> int:
    """Recompute every group from the applications; returns the number of rows (regions' and the city's)."""
    StageTotal.objects.all().delete()
    recounted = _recounted()
    StageTotal.objects.bulk_create(
        StageTotal(
            call_id=call_id,
            region_id=region_id,
            region_key=region_id or 0,
            state=state,
            category=category,
            count=n,
            award_wan=award,
            planned_wan=planned,
        )
        for (call_id, region_id, state, category), (n, award, planned) in recounted.items()
    )
    return len(recounted)
