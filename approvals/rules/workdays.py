"""Working-day arithmetic on China's official calendar (《行政许可法》第四十二条、第八十二条).

The statutory limit is 20 working days, counted from the day *after* acceptance; statutory holidays are
excluded and the State Council's make-up working days (调休上班日) count as working days. The calendar comes
from the ``chinese_calendar`` package (pip ``chinesecalendar``), which knows one year at a time: for a year it
does not know we refuse with a clear error instead of guessing from weekdays.
"""

import datetime

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STATUTORY_LIMIT_DAYS = 20  # 《行政许可法》第四十二条
EXTENSION_DAYS = 10  # 经本行政机关负责人批准,可以延长十日
DUE_SOON_DAYS = 3  # 到期前 3 个工作日提醒


class CalendarUnknown(ValidationError):
    """The official holiday calendar of that year is not known to us."""


def is_working_day(day: datetime.date) -> bool:
    """True on an official working day (incl. make-up Saturdays/Sundays), False on weekends and holidays."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarUnknown(
            _("尚无 %(year)s 年的国务院节假日安排,无法计算工作日;请更新 chinesecalendar 后再试。")
            % {"year": day.year},
            code="calendar_unknown",
        ) from exc


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is never counted).

    ``add_working_days(2022-09-26, 20)`` is 2022-10-27: counting starts on 9-27 and skips 10-1…10-7,
    while the make-up days 10-8 and 10-9 count.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count


def due_soon_horizon(today: datetime.date) -> datetime.date:
    """Last day that is still "due soon" on ``today``: the 3rd working day after it.

    Near the end of the last year the calendar knows, the horizon stops at the last known day: no case can be
    due later than that (its due date could not have been computed), so nothing due soon is missed and
    nothing is guessed. ``today`` itself must be in a known year.
    """
    is_working_day(today)  # refuses an unknown year for today itself
    day, counted = today, 0
    while counted < DUE_SOON_DAYS:
        following = day + datetime.timedelta(days=1)
        try:
            working = is_working_day(following)
        except CalendarUnknown:
            return day
        day = following
        counted += working
    return day
