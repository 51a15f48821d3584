"""Reference data of the subsidies app: the 第七条 award rules and the step time limits (idempotent)."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import AwardRule, AwardTier, StepLimit

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
RULES_FIXTURE = FIXTURES_DIR / "subsidies_award_rules.json"
LIMITS_FIXTURE = FIXTURES_DIR / "subsidies_step_limits.json"

RULE_FIELDS = (
    "category",
    "scheme",
    "clause",
    "name",
    "method",
    "percent",
    "cap_wan",
    "min_base_wan",
    "min_base_wan_little_giant",
    "upgrade_pays_difference",
    "order",
)
TIER_FIELDS = ("grade", "label", "lower_wan", "upper_wan", "award_wan")


def rule_rows() -> list[dict]:
    return json.loads(RULES_FIXTURE.read_text(encoding="utf-8"))["rules"]


@transaction.atomic
def load_award_rules() -> int:
    """Create or update every rule and tier of the fixture; tiers no longer in it are removed."""
    for row in rule_rows():
        rule, _created = AwardRule.objects.update_or_create(
            code=row["code"], defaults={name: row.get(name) for name in RULE_FIELDS}
        )
        ranks = []
        for tier in row["tiers"]:
            AwardTier.objects.update_or_create(
                rule=rule, rank=tier["rank"], defaults={name: tier.get(name) for name in TIER_FIELDS}
            )
            ranks.append(tier["rank"])
        rule.tiers.exclude(rank__in=ranks).delete()
    return AwardRule.objects.count()


@transaction.atomic
def load_step_limits() -> int:
    data = json.loads(LIMITS_FIXTURE.read_text(encoding="utf-8"))
    for row in data["limits"]:
        StepLimit.objects.update_or_create(state=row["state"], defaults={"days": row["days"]})
    return StepLimit.objects.count()


def load_seed() -> dict:
    return {"奖励规则": load_award_rules(), "环节时限": load_step_limits()}
