"""第七条 award calculator: every tier boundary (lower inclusive, upper exclusive), every category,
the matching cap and the upgrade difference. Figures checked against 临政办发〔2022〕16 号."""

import json
from decimal import Decimal as D

import pytest

from subsidies.rules import RuleBook, quote_award
from subsidies.seed import RULES_FIXTURE


@pytest.fixture(scope="module")
def book():
    return RuleBook.from_dicts(json.loads(RULES_FIXTURE.read_text(encoding="utf-8"))["rules"])


def award(book, **params):
    return quote_award(book, params)


# 第七条(二): 10亿(含)以上 1000; 5亿(含)—10亿 750; 3亿(含)—5亿 500; 1亿(含)—3亿 300; 5000万(含)—1亿 200;
# 1000万(含)—5000万 100; threshold 2000 (小巨人 1000).
INVESTMENT_CASES = [
    # investment_wan, little_giant, eligible, award
    ("999.99", True, False, "0.00"),
    ("1000", True, True, "100.00"),
    ("1000", False, False, "0.00"),
    ("1999.99", False, False, "0.00"),
    ("2000", False, True, "100.00"),
    ("4999.99", False, True, "100.00"),
    ("5000", False, True, "200.00"),
    ("9999.99", False, True, "200.00"),
    ("10000", False, True, "300.00"),
    ("29999.99", False, True, "300.00"),
    ("30000", False, True, "500.00"),
    ("49999.99", False, True, "500.00"),
    ("50000", False, True, "750.00"),
    ("99999.99", False, True, "750.00"),
    ("100000", False, True, "1000.00"),
    ("100000", True, True, "1000.00"),
    ("2500000", False, True, "1000.00"),
]


@pytest.mark.parametrize(("investment", "little_giant", "eligible", "expected"), INVESTMENT_CASES)
def test_investment_tiers(book, investment, little_giant, eligible, expected):
    quote = award(book, category="investment", investment_wan=D(investment), little_giant=little_giant)
    assert quote.eligible is eligible
    assert quote.award_wan == D(expected)
    assert quote.rule == "investment"
    if not eligible:
        assert quote.reasons and "万元以上" in quote.reasons[0]


MATCHING_CASES = [
    # support_wan, award, capped
    ("0.10", "0.03", False),
    ("100", "30.00", False),
    ("1234.57", "370.37", False),
    ("3333.33", "1000.00", False),
    ("3333.34", "1000.00", False),  # 1000.002 rounds to 1000.00: at the cap, not over it
    ("3333.37", "1000.00", True),  # 1000.011 → 1000.01 > 1000
    ("3333.35", "1000.00", True),
    ("10000", "1000.00", True),
]


@pytest.mark.parametrize(("support", "expected", "capped"), MATCHING_CASES)
def test_matching_thirty_percent_capped_at_1000(book, support, expected, capped):
    quote = award(book, category="matching", support_wan=D(support))
    assert quote.award_wan == D(expected)
    assert quote.capped is capped
    if capped:
        assert quote.base_award_wan > D("1000")
        assert any("1000.00" in line for line in quote.explanation)


@pytest.mark.parametrize("support", [None, D("0"), D("-5")])
def test_matching_without_support_is_ineligible(book, support):
    quote = award(book, category="matching", support_wan=support)
    assert not quote.eligible and quote.award_wan == D("0.00") and quote.reasons


RECOGNITION_CASES = [
    ("tech_center", "national", "50"),
    ("tech_center", "provincial", "20"),
    ("tech_center", "municipal", "10"),
    ("innovation_center", "national", "100"),
    ("innovation_center", "provincial", "50"),
    ("single_champion", "national", "100"),
    ("single_champion", "provincial", "50"),
    ("tech_demo", "national", "50"),
    ("tech_demo", "provincial", "30"),
    ("smart_manufacturing", "national", "100"),
    ("smart_manufacturing", "provincial", "50"),
    ("green", "national", "100"),
    ("green", "provincial", "50"),
    ("env_performance", "A", "100"),
    ("env_performance", "leading", "30"),
]


@pytest.mark.parametrize(("kind", "level", "expected"), RECOGNITION_CASES)
def test_recognition_awards(book, kind, level, expected):
    quote = award(book, category="recognition", kind=kind, level=level)
    assert quote.eligible
    assert quote.award_wan == D(expected)
    assert quote.rule == f"recognition.{kind}"


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("innovation_center", "municipal"),
        ("green", "A"),
        ("env_performance", "national"),
        ("tech_demo", "municipal"),
    ],
)
def test_recognition_level_not_rewarded(book, kind, level):
    quote = award(book, category="recognition", kind=kind, level=level)
    assert not quote.eligible and quote.award_wan == D("0.00")
    assert "不在奖励范围" in quote.reasons[0]


CERTIFICATION_CASES = [
    ("it_integration", "A", "30"),
    ("it_integration", "AA", "40"),
    ("it_integration", "AAA", "60"),
    ("it_integration", "AAAA", "60"),
    ("it_integration", "AAAAA", "60"),
    ("cmmi", "3", "5"),
    ("cmmi", "4", "10"),
    ("cmmi", "5", "20"),
    ("itss", "1", "20"),
    ("itss", "2", "10"),
    ("itss", "3", "5"),
    ("dcmm", "3", "5"),
    ("dcmm", "4", "10"),
    ("dcmm", "5", "20"),
]


@pytest.mark.parametrize(("scheme", "level", "expected"), CERTIFICATION_CASES)
def test_certification_awards(book, scheme, level, expected):
    quote = award(book, category="certification", scheme=scheme, level=level)
    assert quote.eligible and quote.award_wan == D(expected)


UPGRADE_CASES = [
    # scheme, previous, level, eligible, award
    ("it_integration", "A", "AA", True, "10"),
    ("it_integration", "A", "AAA", True, "30"),
    ("it_integration", "AA", "AAAAA", True, "20"),
    ("it_integration", "AAA", "AAAA", False, "0"),  # same award: no difference to pay
    ("it_integration", "AA", "AA", False, "0"),
    ("it_integration", "AAA", "A", False, "0"),
    ("cmmi", "3", "5", True, "15"),
    ("cmmi", "4", "5", True, "10"),
    ("itss", "3", "1", True, "15"),  # ITSS 一级 is the highest grade
    ("itss", "2", "1", True, "10"),
    ("itss", "1", "2", False, "0"),
    ("dcmm", "3", "4", True, "5"),
]


@pytest.mark.parametrize(("scheme", "previous", "level", "eligible", "expected"), UPGRADE_CASES)
def test_certification_upgrade_pays_difference(book, scheme, previous, level, eligible, expected):
    quote = award(book, category="certification", scheme=scheme, level=level, previous_level=previous)
    assert quote.eligible is eligible
    assert quote.award_wan == D(expected)
    assert quote.previous_award_wan is not None


def test_recognition_upgrade_pays_full_new_grade_no_difference_clause(book):
    # 第七条(三) has no 补差 clause: a provincial tech centre later recognised nationally gets the national award.
    quote = award(
        book, category="recognition", kind="tech_center", level="national", previous_level="provincial"
    )
    assert quote.eligible and quote.award_wan == D("50")
    same = award(
        book, category="recognition", kind="tech_center", level="provincial", previous_level="provincial"
    )
    assert not same.eligible


REVENUE_CASES = [
    # scheme, revenue_wan, eligible, award — (四) 软件“首次达到 2000 万元、3000 万元、5000 万元” → 10/20/30 (≥);
    # (五)“首次突破 200 亿元……100 亿元……50 亿元” → 500/300/100 (>: exactly 200 亿 is not 突破 200 亿);
    # (六) 链主“首次达到 10 亿元”→ 50 (≥),“首次达到 50 亿元及以上的,按第七条第(五)款执行”(≥ 50 亿 → 100;
    # 100 亿 and 200 亿 are (五)'s 突破, >)
    ("software", "1999.99", False, "0"),
    ("software", "2000", True, "10"),
    ("software", "2999.99", True, "10"),
    ("software", "3000", True, "20"),
    ("software", "4999.99", True, "20"),
    ("software", "5000", True, "30"),
    ("main_business", "499999.99", False, "0"),
    ("main_business", "500000", False, "0"),  # exactly 50 亿: not 突破
    ("main_business", "500000.01", True, "100"),
    ("main_business", "999999.99", True, "100"),
    ("main_business", "1000000", True, "100"),  # exactly 100 亿: still only 突破 50 亿
    ("main_business", "1000000.01", True, "300"),
    ("main_business", "1999999.99", True, "300"),
    ("main_business", "2000000", True, "300"),  # exactly 200 亿 is not 突破 200 亿
    ("main_business", "2000000.01", True, "500"),
    ("chain_leader", "99999.99", False, "0"),
    ("chain_leader", "100000", True, "50"),
    ("chain_leader", "499999.99", True, "50"),
    ("chain_leader", "500000", True, "100"),  # 达到 50 亿元及以上
    ("chain_leader", "999999.99", True, "100"),
    ("chain_leader", "1000000", True, "100"),  # (五) 突破 100 亿: exactly 100 亿 is not
    ("chain_leader", "1000000.01", True, "300"),
    ("chain_leader", "1999999.99", True, "300"),
    ("chain_leader", "2000000", True, "300"),
    ("chain_leader", "2000000.01", True, "500"),
]


@pytest.mark.parametrize(("scheme", "revenue", "eligible", "expected"), REVENUE_CASES)
def test_revenue_tiers(book, scheme, revenue, eligible, expected):
    quote = award(book, category="revenue", scheme=scheme, revenue_wan=D(revenue))
    assert quote.eligible is eligible
    assert quote.award_wan == D(expected)


REVENUE_UPGRADE_CASES = [
    ("main_business", "600000", "1200000", True, "200"),  # 50亿 rewarded (100) → 100亿 (300): pays 200
    ("main_business", "1200000", "2100000", True, "200"),  # 300 → 500
    ("main_business", "600000", "2100000", True, "400"),
    ("main_business", "600000", "900000", False, "0"),  # still the 50亿 tier: not a first
    ("chain_leader", "200000", "600000", True, "50"),  # 10亿 (50) → 50亿 (100)
    ("software", "2500", "5200", True, "30"),  # software: no 补差 clause, first reaching 5000 pays 30
    ("software", "3500", "3900", False, "0"),
]


@pytest.mark.parametrize(("scheme", "previous", "revenue", "eligible", "expected"), REVENUE_UPGRADE_CASES)
def test_revenue_upgrade(book, scheme, previous, revenue, eligible, expected):
    quote = award(
        book, category="revenue", scheme=scheme, revenue_wan=D(revenue), previous_revenue_wan=D(previous)
    )
    assert quote.eligible is eligible
    assert quote.award_wan == D(expected)


def test_quote_explains_rule_and_tier(book):
    quote = award(book, category="investment", investment_wan=D("60000"), little_giant=False)
    assert quote.rule_label.startswith("第七条(二)")
    assert quote.tier == "5 亿元(含)—10 亿元"
    assert any("750.00" in line for line in quote.explanation)
    data = quote.as_dict()
    assert data["award_wan"] == "750.00" and data["eligible"] is True


def test_unknown_rule_is_ineligible(book):
    quote = award(book, category="certification", scheme="iso9001", level="A")
    assert not quote.eligible and quote.award_wan == D("0.00")


def test_every_rule_of_the_fixture_has_ordered_nonoverlapping_tiers(book):
    for rule in book.rules.values():
        if rule.method != "bracket":
            continue
        tiers = list(rule.tiers)
        for lower, upper in zip(tiers, tiers[1:], strict=False):
            assert lower.upper_wan == upper.lower_wan, rule.code
            assert upper.award_wan > lower.award_wan, rule.code
        assert tiers[-1].upper_wan is None, rule.code
