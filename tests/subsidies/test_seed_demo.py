"""Seed and demo loaders are idempotent; the seed's figures match 临政办发〔2022〕16 号."""

from decimal import Decimal as D

from linfen_admin.registry import registry
from subsidies.models import Application, AwardRule, AwardTier, Call, State, StepLimit


def test_loaders_are_registered():
    assert "subsidies" in {loader.name for loader in registry.seed_loaders}
    assert "subsidies" in {loader.name for loader in registry.demo_loaders}
    assert "subsidies.step_overdue" in {rule.code for rule in registry.reminder_rules}


def test_seed_is_idempotent(seeded):
    from subsidies.seed import load_seed

    first = load_seed()
    counts = (AwardRule.objects.count(), AwardTier.objects.count(), StepLimit.objects.count())
    assert load_seed() == first
    assert (AwardRule.objects.count(), AwardTier.objects.count(), StepLimit.objects.count()) == counts
    assert counts[0] == 16
    investment = AwardRule.objects.get(code="investment")
    assert investment.min_base_wan == D("2000") and investment.min_base_wan_little_giant == D("1000")
    assert [t.award_wan for t in investment.tiers.order_by("rank")] == [
        D(x) for x in ("100", "200", "300", "500", "750", "1000")
    ]
    matching = AwardRule.objects.get(code="matching")
    assert (matching.percent, matching.cap_wan) == (D("30"), D("1000"))
    assert StepLimit.objects.get(state=State.COUNTY_REVIEW).days == 15


def test_demo_is_idempotent_and_spans_states_and_regions(users, subsidies_seed):
    from subsidies.demo import load_demo

    load_demo()
    count = Application.objects.count()
    assert count == 13
    load_demo()
    assert Application.objects.count() == count
    assert Call.objects.count() == 4
    states = set(Application.objects.values_list("state", flat=True))
    assert {
        "draft",
        "county_review",
        "city_review",
        "expert_review",
        "planned",
        "approved",
        "disbursed",
        "returned",
        "rejected",
    } <= states
    regions = set(Application.objects.values_list("region__name", flat=True))
    assert {"尧都区", "洪洞县", "侯马市", "霍州市"} <= regions
    planned = Application.objects.get(state=State.PLANNED)
    assert [t.action for t in planned.transitions.all()] == [
        "submit",
        "accept",
        "county_check",
        "recommend",
        "send_to_experts",
        "conclude_review",
    ]
