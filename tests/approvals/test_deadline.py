"""Where a case stands against its deadline, in working days — a table of hand-counted cases on the 2022 State
Council calendar (National Day: 10/1–10/7 off, Saturday 10/8 and Sunday 10/9 working)."""

import datetime

import pytest

from approvals.rules.deadline import DUE_TODAY, LATE, ON_TIME, OVERDUE, REMAINING, Deadline, deadline_status
from approvals.rules.workdays import Calendar

D = datetime.date

# (due, today, decided, expected state, expected days, label)
CASES = [
    # open, before the due date: the working days after today up to and including the due date
    (D(2022, 10, 27), D(2022, 10, 26), None, REMAINING, 1, "剩余 1 个工作日"),
    (D(2022, 10, 27), D(2022, 10, 24), None, REMAINING, 3, "剩余 3 个工作日"),
    (D(2022, 10, 24), D(2022, 10, 22), None, REMAINING, 1, "剩余 1 个工作日"),  # Saturday → Monday
    (D(2022, 10, 24), D(2022, 10, 21), None, REMAINING, 1, "剩余 1 个工作日"),  # Friday → Monday
    # across the holiday week: 10/8*, 10/9*, 10/10–14, 10/17–21, 10/24–27 = 2 + 5 + 5 + 4
    (D(2022, 10, 27), D(2022, 9, 30), None, REMAINING, 16, "剩余 16 个工作日"),
    (D(2022, 10, 10), D(2022, 10, 3), None, REMAINING, 3, "剩余 3 个工作日"),  # from a holiday: 10/8*, 9*, 10
    # the boundary day
    (D(2022, 10, 27), D(2022, 10, 27), None, DUE_TODAY, None, "今天到期"),
    (D(2022, 10, 9), D(2022, 10, 9), None, DUE_TODAY, None, "今天到期"),  # a make-up Sunday
    # overdue: the working days since the due date, at least one
    (D(2022, 10, 27), D(2022, 10, 28), None, OVERDUE, 1, "已超期 1 个工作日"),
    (D(2022, 10, 28), D(2022, 10, 29), None, OVERDUE, 1, "已超期 1 个工作日"),  # the Saturday after a Friday
    (D(2022, 10, 28), D(2022, 10, 30), None, OVERDUE, 1, "已超期 1 个工作日"),
    (D(2022, 10, 28), D(2022, 10, 31), None, OVERDUE, 1, "已超期 1 个工作日"),  # Monday: its first lost day
    (D(2022, 10, 28), D(2022, 11, 1), None, OVERDUE, 2, "已超期 2 个工作日"),
    (D(2022, 9, 30), D(2022, 10, 7), None, OVERDUE, 1, "已超期 1 个工作日"),  # all holiday since
    (D(2022, 9, 30), D(2022, 10, 9), None, OVERDUE, 2, "已超期 2 个工作日"),  # 10/8*, 10/9*
    (D(2022, 9, 30), D(2022, 10, 10), None, OVERDUE, 3, "已超期 3 个工作日"),
    # decided: on time or late, whatever today is
    (D(2022, 10, 27), D(2023, 3, 1), D(2022, 10, 27), ON_TIME, None, "按期办结"),
    (D(2022, 10, 27), D(2022, 10, 28), D(2022, 10, 10), ON_TIME, None, "按期办结"),
    (D(2022, 10, 27), D(2023, 3, 1), D(2022, 10, 28), LATE, 1, "超期 1 个工作日办结"),
    (D(2022, 9, 30), D(2023, 3, 1), D(2022, 10, 10), LATE, 3, "超期 3 个工作日办结"),
    (
        D(2022, 10, 28),
        D(2023, 3, 1),
        D(2022, 10, 29),
        LATE,
        1,
        "超期 1 个工作日办结",
    ),  # decided on a Saturday
]


@pytest.mark.parametrize(("due", "today", "decided", "state", "days", "label"), CASES)
def test_deadline_status(due, today, decided, state, days, label):
    status = deadline_status(due_on=due, today=today, decided_on=decided)
    assert (status.state, status.days) == (state, days)
    assert status.label == label
    assert status.is_bad == (state in (OVERDUE, LATE))


def test_an_entered_year_is_used():
    """2027 (made up): 2027-01-01 (Fri) off, 2027-01-02 (Sat) a make-up working day."""
    calendar = Calendar({D(2027, 1, 1): False, D(2027, 1, 2): True}, supplement_years=[2027])
    status = deadline_status(due_on=D(2027, 1, 4), today=D(2026, 12, 31), calendar=calendar)
    assert (status.state, status.days) == (REMAINING, 2)  # 1/2*, 1/4
    late = deadline_status(due_on=D(2026, 12, 31), today=D(2027, 1, 2), calendar=calendar)
    assert (late.state, late.days, late.label) == (OVERDUE, 1, "已超期 1 个工作日")


def test_an_unknown_year_still_gives_the_state_without_a_count():
    remaining = deadline_status(due_on=D(2099, 1, 9), today=D(2099, 1, 5))
    assert remaining == Deadline(REMAINING, None) and remaining.label == "未到期"
    overdue = deadline_status(due_on=D(2099, 1, 5), today=D(2099, 1, 9))
    assert overdue == Deadline(OVERDUE, None) and overdue.label == "已超期" and overdue.is_bad
    late = deadline_status(due_on=D(2099, 1, 5), today=D(2099, 1, 9), decided_on=D(2099, 1, 8))
    assert late.label == "超期办结" and late.is_bad
