"""Where a case stands against its deadline, in working days (剩余 N 个工作日 / 今天到期 / 已超期 N 个工作日).

The due date is itself the last working day allowed (《行政许可法》第四十二条, counted by ``add_working_days``).
Counting, with ``working_days_between`` (days in ``(start, end]``):

- open and due later: the working days left after today, up to and including the due date (due tomorrow: 1);
- open and due today: 今天到期;
- open and past the due date: the working days elapsed since it, at least 1 — on the weekend right after a
  Friday deadline the case is already late, and its first lost working day is the next one;
- decided: on time when decided on or before the due date, otherwise late by the working days after it (at
  least 1, as above).

When the calendar of a year in between is unknown, the state is still given and the count is ``None``.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .workdays import Calendar, CalendarUnknown, working_days_between

REMAINING = "remaining"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
ON_TIME = "on_time"
LATE = "late"


@dataclass(frozen=True)
class Deadline:
    state: str
    days: int | None = None

    @property
    def is_bad(self) -> bool:
        """Overdue, or decided after the due date: shown in red."""
        return self.state in (OVERDUE, LATE)

    @property
    def is_open(self) -> bool:
        return self.state in (REMAINING, DUE_TODAY, OVERDUE)

    @property
    def label(self) -> str:
        """The words a user reads (the page and the export say the same)."""
        n = self.days
        if self.state == DUE_TODAY:
            return _("今天到期")
        if self.state == ON_TIME:
            return _("按期办结")
        if n is None:
            return {REMAINING: _("未到期"), OVERDUE: _("已超期"), LATE: _("超期办结")}[self.state]
        if self.state == REMAINING:
            return ngettext("剩余 %(n)s 个工作日", "剩余 %(n)s 个工作日", n) % {"n": n}
        if self.state == OVERDUE:
            return ngettext("已超期 %(n)s 个工作日", "已超期 %(n)s 个工作日", n) % {"n": n}
        return ngettext("超期 %(n)s 个工作日办结", "超期 %(n)s 个工作日办结", n) % {"n": n}


def _count(start: datetime.date, end: datetime.date, calendar: Calendar | None) -> int | None:
    try:
        return max(1, working_days_between(start, end, calendar=calendar))
    except CalendarUnknown:
        return None


def deadline_status(
    *,
    due_on: datetime.date,
    today: datetime.date,
    decided_on: datetime.date | None = None,
    calendar: Calendar | None = None,
) -> Deadline:
    """The state of a case due on ``due_on``, seen on ``today`` (``decided_on`` set once it is decided)."""
    if decided_on is not None:
        if decided_on <= due_on:
            return Deadline(ON_TIME)
        return Deadline(LATE, _count(due_on, decided_on, calendar))
    if today == due_on:
        return Deadline(DUE_TODAY)
    if today < due_on:
        return Deadline(REMAINING, _count(today, due_on, calendar))
    return Deadline(OVERDUE, _count(due_on, today, calendar))
