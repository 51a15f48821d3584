"""Working days on China's official calendar, the credit-code check, the draw — tables of hand-worked cases."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from approvals.rules.draw import DrawImpossible, draw
from approvals.rules.workdays import CalendarUnknown, add_working_days, is_working_day, working_days_between
from linfen_admin.credit_code import is_valid
from linfen_admin.validators import validate_credit_code

D = datetime.date

# (accepted, working days, expected) — counted by hand from the day after acceptance, 2022 State Council notice.
ADD_CASES = [
    # Spring Festival: 1/31–2/6 off, 1/29 (Sat) and 1/30 (Sun) are working days.
    (D(2022, 1, 27), 5, D(2022, 2, 8)),  # 1/28, 1/29*, 1/30*, (holiday), 2/7, 2/8
    (D(2022, 1, 28), 2, D(2022, 1, 30)),  # the make-up Saturday and Sunday count
    (D(2022, 1, 30), 1, D(2022, 2, 7)),  # the whole holiday week is skipped
    (D(2022, 1, 20), 20, D(2022, 2, 22)),  # 1/21,24–30 (8) · 2/7–11 (13) · 2/14–18 (18) · 2/21, 2/22
    # Qingming: 4/3–4/5 off, 4/2 (Sat) working.
    (D(2022, 3, 31), 3, D(2022, 4, 6)),  # 4/1, 4/2*, 4/6
    # May Day: 4/30–5/4 off, 4/24 (Sun) and 5/7 (Sat) working.
    (D(2022, 4, 22), 1, D(2022, 4, 24)),  # the make-up Sunday
    (
        D(2022, 4, 22),
        20,
        D(2022, 5, 23),
    ),  # 4/24*–29 (6) · 5/5, 5/6, 5/7* (9) · 5/9–13 (14) · 5/16–20 (19) · 5/23
    (D(2022, 4, 29), 3, D(2022, 5, 7)),  # 5/5, 5/6, 5/7*
    # Dragon Boat: 6/3 (Fri) off, no make-up day.
    (D(2022, 6, 1), 3, D(2022, 6, 7)),  # 6/2, 6/6, 6/7
    # Mid-Autumn: 9/10–9/12 off (9/12 Mon), no make-up day.
    (D(2022, 9, 8), 2, D(2022, 9, 13)),  # 9/9, 9/13
    # National Day: 10/1–10/7 off, 10/8 (Sat) and 10/9 (Sun) working.
    (D(2022, 9, 26), 20, D(2022, 10, 27)),  # DESIGN.md's example
    (D(2022, 9, 30), 2, D(2022, 10, 9)),  # 10/8*, 10/9*
    (D(2022, 10, 3), 1, D(2022, 10, 8)),  # accepted on a holiday
    (D(2022, 10, 27), 10, D(2022, 11, 10)),  # an extension of the 9/26 case: 10/28, 10/31–11/4, 11/7–11/10
    (D(2022, 12, 30), 1, D(2023, 1, 3)),  # New Year 2023: 12/31–1/2 off
]


@pytest.mark.parametrize(("accepted", "days", "expected"), ADD_CASES)
def test_add_working_days(accepted, days, expected):
    assert add_working_days(accepted, days) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2022, 1, 29), True),
        (D(2022, 1, 30), True),
        (D(2022, 2, 1), False),
        (D(2022, 2, 6), False),
        (D(2022, 4, 2), True),
        (D(2022, 4, 5), False),
        (D(2022, 4, 24), True),
        (D(2022, 5, 4), False),
        (D(2022, 5, 7), True),
        (D(2022, 6, 3), False),
        (D(2022, 9, 12), False),
        (D(2022, 10, 7), False),
        (D(2022, 10, 8), True),
        (D(2022, 10, 9), True),
        (D(2022, 10, 15), False),
        (D(2022, 10, 17), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2022, 9, 26), D(2022, 10, 27), 20),
        (D(2022, 10, 27), D(2022, 9, 26), -20),
        (D(2022, 1, 28), D(2022, 2, 7), 3),
        (D(2022, 10, 1), D(2022, 10, 7), 0),
        (D(2022, 5, 5), D(2022, 5, 5), 0),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def _walked(start, end, calendar):
    """(start, end] counted day by day, the definition."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2021, 12, 31), D(2022, 1, 4)),  # from the last day of a year
        (D(2019, 3, 5), D(2023, 2, 1)),  # whole years in between
        (D(2022, 12, 30), D(2023, 1, 3)),
        (D(2020, 2, 28), D(2020, 3, 2)),  # a leap day
        (D(2022, 1, 1), D(2022, 12, 31)),
    ],
)
def test_working_days_between_across_years_is_the_day_by_day_count(start, end):
    from approvals.rules.workdays import Calendar

    # a supplement year (entered by hand: 2023-01-03 off, Saturday 2023-01-07 working) beside the package's years
    calendar = Calendar({D(2023, 1, 3): False, D(2023, 1, 7): True})
    assert working_days_between(start, end, calendar=calendar) == _walked(start, end, calendar)
    assert working_days_between(end, start, calendar=calendar) == -_walked(start, end, calendar)
    assert working_days_between(start, end) == _walked(start, end, Calendar())


def test_working_days_between_refuses_a_year_it_does_not_know():
    with pytest.raises(CalendarUnknown):
        working_days_between(D(2026, 12, 20), D(2027, 1, 10))


@pytest.mark.parametrize(
    ("start", "days", "year"),
    [
        (D(2026, 12, 20), 20, 2027),
        (D(2027, 3, 1), 1, 2027),
        (D(2003, 12, 1), 5, 2003),
    ],
)
def test_unknown_year_is_refused_in_chinese(start, days, year):
    with pytest.raises(CalendarUnknown) as caught:
        add_working_days(start, days)
    assert isinstance(caught.value, ValidationError)
    assert f"尚无 {year} 年的国务院节假日安排" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91430111MA4L41YT1U", True),
        ("91350200776049653A", True),
        ("913502000728319549", True),
        (" 91350200776049653a ", True),  # spaces and lower case are normalised
        ("91350200776049653B", False),  # wrong check character
        ("913502007760496530", False),
        ("91350200776049653", False),  # 17 characters
        ("9135020077604965IA", False),  # I is not in the alphabet
        ("91A50200776049653A", False),  # region code must be digits
    ],
)
def test_credit_code(code, valid):
    assert is_valid(code, check_organization_code=False) is valid
    if valid:
        validate_credit_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_credit_code(code)


def _inputs(**overrides):
    inputs = {
        "seed": "abc",
        "candidate_ids": list(range(1, 41)),
        "blacklisted_ids": [7, 33],
        "ratio": Decimal("0.1"),
        # entities 1–20 licensed by department 100, 21–40 by department 200
        "entity_departments": {pk: (100 if pk <= 20 else 200) for pk in range(1, 41)},
        # inspectors 1–3 belong to department 100, 4–6 to 200, 7–8 to 300
        "inspectors": [(1, 100), (2, 100), (3, 100), (4, 200), (5, 200), (6, 200), (7, 300), (8, 300)],
        "inspectors_per_entity": 2,
    }
    return {**inputs, **overrides}


def test_draw_is_reproducible_and_seed_dependent():
    first, again = draw(**_inputs()), draw(**_inputs())
    assert first == again
    others = {tuple(draw(**_inputs(seed=f"s{i}")).entity_ids) for i in range(20)}
    assert len(others) > 1


def test_draw_sample_size_and_blacklist():
    result = draw(**_inputs())
    assert {7, 33} <= set(result.entity_ids)
    # 38 non-blacklisted candidates × 0.1 → ceil(3.8) = 4, plus the 2 blacklisted
    assert len(result.entity_ids) == 6
    everyone = draw(**_inputs(ratio=Decimal("1")))
    assert everyone.entity_ids == list(range(1, 41))


def test_blacklisted_entities_always_drawn_even_at_tiny_ratio():
    for i in range(30):
        result = draw(**_inputs(seed=f"x{i}", ratio=Decimal("0.001")))
        assert {7, 33} <= set(result.entity_ids)


def test_inspector_never_from_the_licensing_department():
    department = dict(_inputs()["inspectors"])
    seen = set()
    for i in range(50):
        result = draw(**_inputs(seed=f"k{i}", ratio=Decimal("1")))
        for entity_id, inspector_ids in result.assignments.items():
            licensing = 100 if entity_id <= 20 else 200
            assert all(department[pk] != licensing for pk in inspector_ids)
            assert len(set(inspector_ids)) == 2
            seen.update(inspector_ids)
    assert seen == set(range(1, 9))  # the rule excludes, it does not starve: everyone inspects somewhere


def test_draw_refuses_when_too_few_eligible_inspectors():
    with pytest.raises(DrawImpossible):
        draw(**_inputs(inspectors=[(1, 100), (4, 200)], ratio=Decimal("1")))
