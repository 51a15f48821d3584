"""Working-day arithmetic on China's official calendar (《行政许可法》第四十二条、第八十二条).

The statutory limit is 20 working days, counted from the day *after* acceptance; statutory holidays are
excluded and the State Council's make-up working days (调休上班日) count as working days.

Where the calendar comes from, year by year (``Calendar``):

1. a *supplement year* — a year an administrator entered from the State Council notice
   (国务院办公厅关于XXXX年部分节假日安排的通知): Monday–Friday except its listed holidays, plus its listed
   make-up days. A supplement year overrides the package for that year (so a correction is possible);
2. otherwise the ``chinese_calendar`` package (pip ``chinesecalendar``), which knows one year at a time;
3. otherwise we refuse with a clear error (``CalendarUnknown``) instead of guessing from weekdays.

These functions are pure: the caller builds the ``Calendar`` (see ``approvals.selectors.work_calendar``, one
query) and passes it; without one, only the package is used.
"""

import datetime
import functools
from collections.abc import Iterable, Mapping

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STATUTORY_LIMIT_DAYS = 20  # 《行政许可法》第四十二条
EXTENSION_DAYS = 10  # 经本行政机关负责人批准,可以延长十日
DUE_SOON_DAYS = 3  # 到期前 3 个工作日提醒

SOURCE_SUPPLEMENT = "supplement"
SOURCE_PACKAGE = "package"


class CalendarUnknown(ValidationError):
    """The official holiday calendar of that year is not known to us."""


def _refuse(year: int) -> CalendarUnknown:
    return CalendarUnknown(
        _(
            "尚无 %(year)s 年的国务院节假日安排,无法计算工作日。请系统管理员在管理后台“工作日历”中按国务院办公厅"
            "关于 %(year)s 年部分节假日安排的通知录入该年的放假和调休上班日期后再试。"
        )
        % {"year": year},
        code="calendar_unknown",
    )


@functools.cache
def package_years() -> range:
    """The years the installed ``chinese_calendar`` package knows."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


class Calendar:
    """Which days are official working days.

    ``supplement`` maps the listed days of the supplement years to ``True`` (调休上班) or ``False`` (放假);
    ``supplement_years`` are the years entered (a year with no listed day yet is still known: Mon–Fri).
    """

    def __init__(
        self, supplement: Mapping[datetime.date, bool] | None = None, supplement_years: Iterable[int] = ()
    ):
        self.supplement = dict(supplement or {})
        self.supplement_years = frozenset(supplement_years) | {day.year for day in self.supplement}
        # What this calendar has answered, day by day and as running counts per year: a list page counts the
        # working days of fifty cases, each up to years long (the package's own lookup scans its tables per day).
        self._days: dict[datetime.date, bool] = {}
        self._running: dict[int, list[int]] = {}

    def __repr__(self):
        return f"Calendar(supplement_years={sorted(self.supplement_years)})"

    def source(self, year: int) -> str | None:
        """Where the calendar of ``year`` comes from: SOURCE_SUPPLEMENT, SOURCE_PACKAGE or None (unknown)."""
        if year in self.supplement_years:
            return SOURCE_SUPPLEMENT
        if year in package_years():
            return SOURCE_PACKAGE
        return None

    def knows(self, year: int) -> bool:
        return self.source(year) is not None

    def is_working_day(self, day: datetime.date) -> bool:
        known = self._days.get(day)
        if known is not None:
            return known
        if day.year in self.supplement_years:
            working = self.supplement.get(day, day.weekday() < 5)
        else:
            try:
                working = chinese_calendar.is_workday(day)
            except NotImplementedError as exc:
                raise _refuse(day.year) from exc
        self._days[day] = working
        return working

    def running_count(self, day: datetime.date) -> int:
        """Working days from 1 January of ``day``'s year up to and including ``day`` (the year must be known)."""
        table = self._running.get(day.year)
        if table is None:
            table, count, current = [], 0, datetime.date(day.year, 1, 1)
            while current.year == day.year:
                count += self.is_working_day(current)
                table.append(count)
                current += ONE_DAY
            self._running[day.year] = table
        return table[day.timetuple().tm_yday - 1]

    def working_days_in_year(self, year: int) -> int:
        return self.running_count(datetime.date(year, 12, 31))


ONE_DAY = datetime.timedelta(days=1)
PACKAGE_ONLY = Calendar()


def is_working_day(day: datetime.date, *, calendar: Calendar | None = None) -> bool:
    """True on an official working day (incl. make-up Saturdays/Sundays), False on weekends and holidays."""
    return (calendar or PACKAGE_ONLY).is_working_day(day)


def add_working_days(start: datetime.date, days: int, *, calendar: Calendar | None = None) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is never counted).

    ``add_working_days(2022-09-26, 20)`` is 2022-10-27: counting starts on 9-27 and skips 10-1…10-7,
    while the make-up days 10-8 and 10-9 count.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    calendar = calendar or PACKAGE_ONLY
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, *, calendar: Calendar | None = None
) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end == start:
        return 0
    calendar = calendar or PACKAGE_ONLY
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    # From running counts per year: (start, end] is what end's year has counted by ``end``, plus whole years in
    # between, plus what is left of start's year after ``start`` — not a walk over every day.
    if start.year == end.year:
        return sign * (calendar.running_count(end) - calendar.running_count(start))
    count = calendar.running_count(end)
    count += sum(calendar.working_days_in_year(year) for year in range(start.year + 1, end.year))
    if (start.month, start.day) != (12, 31):  # days of start's year after it: that year must be known
        count += calendar.working_days_in_year(start.year) - calendar.running_count(start)
    return sign * count


def due_soon_horizon(today: datetime.date, *, calendar: Calendar | None = None) -> datetime.date:
    """Last day that is still "due soon" on ``today``: the 3rd working day after it.

    Near the end of the last year the calendar knows, the horizon stops at the last known day: no case can be
    due later than that (its due date could not have been computed), so nothing due soon is missed and
    nothing is guessed. ``today`` itself must be in a known year.
    """
    calendar = calendar or PACKAGE_ONLY
    calendar.is_working_day(today)  # refuses an unknown year for today itself
    day, counted = today, 0
    while counted < DUE_SOON_DAYS:
        following = day + datetime.timedelta(days=1)
        try:
            working = calendar.is_working_day(following)
        except CalendarUnknown:
            return day
        day = following
        counted += working
    return day
