"""第五、八条 eligibility and 第七条(七) double funding; 第十一条 clawback arithmetic."""

import datetime
from decimal import Decimal as D

import pytest

from linfen_admin import credit_code
from subsidies.rules import (
    EligibilityFacts,
    check_eligibility,
    economic_recovery_wan,
    recovery_wan,
    reevaluation_due_on,
    technical_recovery_wan,
)

LINFEN = credit_code.with_check_characters("9114100212345678")  # 141002 尧都区
ELSEWHERE = "91430111MA4L41YT1U"  # Changsha: valid code, not Linfen


def facts(**overrides):
    base = dict(
        credit_code=LINFEN,
        category="investment",
        above_scale=True,
        revenue_wan=D("500"),
        investment_progress=D("80"),
        completed_on=None,
        previous_deadline=datetime.date(2021, 6, 30),
    )
    base.update(overrides)
    return EligibilityFacts(**base)


def codes(f):
    return [failure.code for failure in check_eligibility(f)]


def test_eligible_baseline():
    assert codes(facts()) == []


ELIGIBILITY_CASES = [
    # overrides, expected failure codes
    ({"credit_code": ELSEWHERE}, ["not_registered_in_linfen"]),
    ({"credit_code": LINFEN[:-1] + ("0" if LINFEN[-1] != "0" else "1")}, ["credit_code"]),
    ({"above_scale": False, "revenue_wan": D("1799.99")}, ["scale"]),
    ({"above_scale": False, "revenue_wan": D("1800")}, []),
    ({"above_scale": False, "revenue_wan": None}, ["scale"]),
    ({"investment_progress": D("79.99")}, ["progress"]),
    ({"investment_progress": D("80.00")}, []),
    ({"investment_progress": D("50"), "completed_on": datetime.date(2021, 7, 1)}, []),
    ({"investment_progress": D("50"), "completed_on": datetime.date(2021, 6, 30)}, ["progress"]),
    ({"investment_progress": None, "completed_on": None}, ["progress"]),
    ({"category": "recognition", "investment_progress": None}, []),  # enterprise awards: no project progress
    ({"prior_city_funding": True}, ["double_funding"]),
    ({"duplicate_reference": "JG-000001"}, ["duplicate"]),
    (
        {
            "credit_code": ELSEWHERE,
            "above_scale": False,
            "revenue_wan": D("10"),
            "investment_progress": D("1"),
        },
        ["not_registered_in_linfen", "scale", "progress"],
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), ELIGIBILITY_CASES)
def test_eligibility_table(overrides, expected):
    assert codes(facts(**overrides)) == expected


def test_failures_are_explained_in_chinese():
    failures = check_eligibility(facts(above_scale=False, revenue_wan=D("100"), prior_city_funding=True))
    messages = " ".join(f.message for f in failures)
    assert "1800" in messages and "规模以上" in messages and "第七条(七)" in messages


CLAWBACK_CASES = [
    # award, cumulative new tax, recovery
    ("500", "0", "500.00"),
    ("500", "120.50", "379.50"),
    ("500", "499.99", "0.01"),
    ("500", "500", "0.00"),
    ("500", "800", "0.00"),
]


@pytest.mark.parametrize(("award", "tax", "expected"), CLAWBACK_CASES)
def test_economic_recovery_is_the_shortfall(award, tax, expected):
    assert economic_recovery_wan(award_wan=D(award), cumulative_new_tax_wan=D(tax)) == D(expected)
    assert recovery_wan(indicator_type="economic", award_wan=D(award), cumulative_new_tax_wan=D(tax)) == D(
        expected
    )


@pytest.mark.parametrize(("met", "expected"), [(True, "0.00"), (False, "300.00")])
def test_technical_recovery_is_all_or_nothing(met, expected):
    assert technical_recovery_wan(award_wan=D("300"), targets_met=met) == D(expected)
    assert recovery_wan(indicator_type="technical", award_wan=D("300"), targets_met=met) == D(expected)


def test_recovery_needs_its_inputs():
    with pytest.raises(ValueError):
        recovery_wan(indicator_type="economic", award_wan=D("1"))
    with pytest.raises(ValueError):
        recovery_wan(indicator_type="technical", award_wan=D("1"))
    with pytest.raises(ValueError):
        economic_recovery_wan(award_wan=D("1"), cumulative_new_tax_wan=D("-1"))


@pytest.mark.parametrize(
    ("kind", "completed", "due"),
    [
        ("economic", datetime.date(2023, 3, 15), datetime.date(2028, 3, 15)),
        ("economic", datetime.date(2024, 2, 29), datetime.date(2029, 2, 28)),
        ("technical", datetime.date(2023, 3, 15), datetime.date(2023, 3, 15)),
    ],
)
def test_reevaluation_due(kind, completed, due):
    assert reevaluation_due_on(indicator_type=kind, completed_on=completed) == due
