"""The campaign's rules as pure functions of plain values and an as-of date (no database access).

Day-counting semantics (decided here, tested on every boundary day):

- Periods in years follow 《民法典》第二百零一、二百零二条: the starting day is not counted and a period
  of N years ends on the corresponding day N years later; where that day does not exist (29 February
  in a common year) the period ends on the last day of that month (28 February).
  ``anniversary(date(2020, 2, 29), 1) == date(2021, 2, 28)``.
- "超过一年 / 满一年未动工" (idle fee) and "超过两年" (reclaim): the period is *exceeded* only once the
  anniversary day itself has passed, so the fee is due from the day **after** the anniversary:
  agreed start 2020-03-10 → fee due from 2021-03-11, reclaim due from 2022-03-11.
- "批准满 2 年" (withdrawal of the approval, 五(一)3 "满 2 年未使用"): eligible **on** the second anniversary:
  approved 2020-05-01 → eligible from 2022-05-01.
- Idle land "forms" (二(二) 2009 年以来形成) on the day after the first anniversary of the agreed start.
- A milestone is decided on its due date: ``met`` is ``None`` while ``as_of < due_on`` and is
  evaluated from the due date on, counting disposals dated on or before the due date.
- The over-completion bonus is decided at year end: ``None`` before 31 December of the campaign year.
"""

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
AREA_Q = Decimal("0.001")
MONEY_Q = Decimal("0.01")
PERCENT_Q = Decimal("0.01")
IDLE_FEE_RATE = Decimal("0.20")  # 《闲置土地处置办法》第十四条: 20 % of the land price


def quantize_area(value: Decimal) -> Decimal:
    return Decimal(value).quantize(AREA_Q, rounding=ROUND_HALF_UP)


def parcel_status(*, disposed: Decimal, area: Decimal) -> str:
    """待处置 while nothing is disposed of, 处置中 while part is, 已完成 once all of it is."""
    if disposed <= 0:
        return "pending"
    return "done" if disposed >= area else "in_progress"


def anniversary(start: datetime.date, years: int) -> datetime.date:
    """The corresponding day ``years`` later; 29 February falls back to the month's last day."""
    year = start.year + years
    last_day = calendar.monthrange(year, start.month)[1]
    return datetime.date(year, start.month, min(start.day, last_day))


def years_exceeded(start: datetime.date | None, years: int, as_of: datetime.date) -> bool:
    """True once more than ``years`` full years have passed since ``start`` (the day after the anniversary)."""
    return start is not None and as_of > anniversary(start, years)


def start_bound(as_of: datetime.date, years: int) -> datetime.date:
    """The date ``b`` with ``years_exceeded(a, years, as_of)`` ⇔ ``a < b``, for filtering in SQL.

    ``as_of`` moved back ``years`` years; a 29 February that does not exist becomes 1 March.
    """
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:
        return datetime.date(as_of.year - years, 3, 1)


def years_reached(start: datetime.date | None, years: int, as_of: datetime.date) -> bool:
    """True from the ``years``-th anniversary of ``start`` on (≥ ``years`` years)."""
    return start is not None and as_of >= anniversary(start, years)


# --- idle land (闲置土地) ---------------------------------------------------------------------------


def _idle_enterprise_not_started(*, kind: str, cause: str, actual_start_on, as_of: datetime.date) -> bool:
    started = actual_start_on is not None and actual_start_on <= as_of
    return kind == "idle" and cause == "enterprise" and not started


def idle_fee_due(
    *,
    kind: str,
    cause: str,
    agreed_start_on: datetime.date | None,
    actual_start_on: datetime.date | None,
    as_of: datetime.date,
) -> bool:
    """Enterprise-caused idle land not started more than one year after the agreed start → 土地闲置费."""
    return _idle_enterprise_not_started(
        kind=kind, cause=cause, actual_start_on=actual_start_on, as_of=as_of
    ) and years_exceeded(agreed_start_on, 1, as_of)


def reclaim_due(
    *,
    kind: str,
    cause: str,
    agreed_start_on: datetime.date | None,
    actual_start_on: datetime.date | None,
    as_of: datetime.date,
) -> bool:
    """Enterprise-caused idle land not started more than two years after the agreed start → 无偿收回."""
    return _idle_enterprise_not_started(
        kind=kind, cause=cause, actual_start_on=actual_start_on, as_of=as_of
    ) and years_exceeded(agreed_start_on, 2, as_of)


def idle_fee_amount(land_price_wan: Decimal | None) -> Decimal | None:
    """土地闲置费 = 20 % of the land price (万元, 2 places); unknown price → unknown fee."""
    if land_price_wan is None:
        return None
    return (Decimal(land_price_wan) * IDLE_FEE_RATE).quantize(MONEY_Q, rounding=ROUND_HALF_UP)


# --- 批而未供 ----------------------------------------------------------------------------------------


WITHDRAWAL_AUTHORITIES = ("state_council", "province")  # 五(一)3: 经国务院及省人民政府批准
WITHDRAWAL_SINCE_YEAR = 2009  # 五(一)3: 2009 年以来


def withdrawal_eligible(
    *,
    kind: str,
    approved_on: datetime.date | None,
    fully_disposed: bool,
    as_of: datetime.date,
    approved_by: str = "province",
    reclaimed_on: datetime.date | None = None,
    since_year: int = WITHDRAWAL_SINCE_YEAR,
) -> bool:
    """五(一)3: land approved since 2009 by the State Council or the province, unused for 2 full years (from the
    second anniversary of its approval on), may apply to withdraw or adjust the approval: 批而未供 land not yet
    (fully) supplied, and 供而未用 land (an idle parcel) once lawfully reclaimed."""
    if approved_on is None or approved_on.year < since_year or approved_by not in WITHDRAWAL_AUTHORITIES:
        return False
    if not years_reached(approved_on, 2, as_of):
        return False
    if kind == "unsupplied":
        return not fully_disposed
    return kind == "idle" and reclaimed_on is not None and reclaimed_on <= as_of


# --- 二、清理范围 ------------------------------------------------------------------------------------------


def idle_formed_on(agreed_start_on: datetime.date | None) -> datetime.date | None:
    """The day land becomes idle (《闲置土地处置办法》第二条: the agreed start passed by a full year, not started):
    the day after the first anniversary of the agreed start."""
    if agreed_start_on is None:
        return None
    return anniversary(agreed_start_on, 1) + datetime.timedelta(days=1)


def scope_year(*, kind: str, approved_on: datetime.date | None, agreed_start_on: datetime.date | None):
    """The year that decides whether a parcel is in the campaign's scope: the approval year of 批而未供 land, the
    year idle land formed; ``None`` when the ledger does not say (nothing to refuse)."""
    if kind == "unsupplied":
        return approved_on.year if approved_on else None
    formed = idle_formed_on(agreed_start_on)
    return formed.year if formed else None


def in_scope(*, year: int | None, first: int, last: int | None) -> bool:
    """二、清理范围: ``first`` ≤ year ≤ ``last`` (no ``last``: up to now); an unknown year is not refused."""
    if year is None:
        return True
    return year >= first and (last is None or year <= last)


# --- milestones, suspension, bonus -----------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneSpec:
    due_on: datetime.date
    percent: Decimal


def percent_done(done: Decimal, quota: Decimal) -> Decimal | None:
    """Percent of the quota done (2 places); ``None`` when there is no quota."""
    if not quota:
        return None
    return (Decimal(done) * 100 / Decimal(quota)).quantize(PERCENT_Q, rounding=ROUND_HALF_UP)


def percent_exact(done: Decimal, quota: Decimal) -> Decimal | None:
    """Percent of the quota done, not rounded (pages truncate it for display); ``None`` when there is no quota."""
    if not quota:
        return None
    return Decimal(done) * 100 / Decimal(quota)


def kind_meets(done: Decimal, quota: Decimal, percent: Decimal) -> bool:
    """done ÷ quota ≥ percent, compared exactly (no rounding): done × 100 ≥ percent × quota."""
    if not quota:
        return True
    return Decimal(done) * 100 >= Decimal(percent) * Decimal(quota)


def milestone_met(
    *,
    quotas: dict[str, Decimal],
    done_by_due: dict[str, Decimal],
    percent: Decimal,
    due_on: datetime.date,
    as_of: datetime.date,
) -> bool | None:
    """Whether a region meets one milestone as seen on ``as_of``.

    ``quotas`` and ``done_by_due`` map task kind → mu, the latter counting disposals dated ≤ ``due_on``.
    ``None`` before the due date; a region without any quota meets every milestone.
    """
    if as_of < due_on:
        return None
    return all(kind_meets(done_by_due.get(kind, ZERO), quota, percent) for kind, quota in quotas.items())


def consecutive_misses(results: Iterable[bool | None]) -> int:
    """The longest run of consecutive missed milestones among those decided (in date order)."""
    longest = run = 0
    for met in results:
        if met is None:
            break
        run = 0 if met else run + 1
        longest = max(longest, run)
    return longest


def suspended(misses: int, threshold: int = 2) -> bool:
    """连续 2 次未按时间节点完成 → 暂停受理建设用地报件 (the threshold is the campaign's)."""
    return misses >= threshold


def over_completion_bonus(
    *,
    total_quota: Decimal,
    total_done: Decimal,
    bonus_percent: Decimal,
    year_end: datetime.date,
    as_of: datetime.date,
    linkage_coefficient: Decimal = Decimal("1"),
) -> Decimal | None:
    """六(五) 超额完成奖励, in plan quota (计划指标, 亩): the over-completed area (disposed − quota, both kinds
    together) × the 增存挂钩 linkage coefficient (the plan quota one disposed mu earns, the campaign's, default 1)
    × bonus_percent (10 %); 0 without a surplus; decided at year end (``None`` before)."""
    if as_of < year_end:
        return None
    surplus = Decimal(total_done) - Decimal(total_quota)
    if surplus <= 0:
        return quantize_area(ZERO)
    return quantize_area(surplus * Decimal(linkage_coefficient) * Decimal(bonus_percent) / 100)


INTERVIEW_AFTER_MISSES = 2  # 六(四) 约谈: two milestones missed in a row


def interview_basis(*, consecutive_misses: int, rank: int | None, worst_rank: int | None) -> list[str]:
    """六(四) 约谈并通报批评 "对组织不力、进展缓慢、成效不明显的县(市、区)": why a region is proposed — ``misses``
    (two consecutive milestones missed) and/or ``last`` (it holds the lowest rank ``worst_rank``, shared or not,
    unless every ranked region shares the first place); empty: not proposed."""
    basis = []
    if consecutive_misses >= INTERVIEW_AFTER_MISSES:
        basis.append("misses")
    if rank is not None and worst_rank is not None and worst_rank > 1 and rank == worst_rank:
        basis.append("last")
    return basis


def is_quarter_end(day: datetime.date) -> bool:
    """六(四) 季通报: 31 March, 30 June, 30 September, 31 December."""
    return (day.month, day.day) in ((3, 31), (6, 30), (9, 30), (12, 31))


def percent_label(percent: Decimal) -> str:
    """50.00 → "50", 12.50 → "12.5" (``normalize()`` alone would give "5E+1")."""
    return f"{Decimal(percent).normalize():f}"


def rank(values: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4), highest first; ``None`` values are not ranked."""
    first: dict = {}
    for position, value in enumerate(sorted((v for v in values if v is not None), reverse=True), start=1):
        first.setdefault(
            value, position
        )  # equal values share the first position (a dict: not O(n²) for 1,000)
    return [None if v is None else first[v] for v in values]
