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
    "min_base_comparison",
    "seed_quote",
    "order",
)
TIER_FIELDS = ("grade", "label", "lower_wan", "upper_wan", "award_wan", "comparison", "seed_quote")
DOCUMENT_FIELDS = ("document", "valid_from", "valid_until")


def rules_data() -> dict:
    """The rules file: the document, its validity (第十五条) and the rules of 第七条."""
    return json.loads(RULES_FIXTURE.read_text(encoding="utf-8"))


def rule_rows() -> list[dict]:
    return rules_data()["rules"]


@transaction.atomic
def load_award_rules(data: dict | None = None) -> int:
    """Create or update every rule and tier of a rules file (the fixture unless ``data`` is another one, e.g. a
    successor document's); tiers no longer in it are removed. Every rule carries the file's validity."""
    data = data if data is not None else rules_data()
    document = {name: data.get(name) or None for name in DOCUMENT_FIELDS}
    document["document"] = document["document"] or ""
    for row in data["rules"]:
        rule, _created = AwardRule.objects.update_or_create(
            code=row["code"],
            defaults={**{name: row.get(name) or _blank(name) for name in RULE_FIELDS}, **document},
        )
        ranks = []
        for tier in row["tiers"]:
            AwardTier.objects.update_or_create(
                rule=rule,
                rank=tier["rank"],
                defaults={name: tier.get(name) or _blank(name) for name in TIER_FIELDS},
            )
            ranks.append(tier["rank"])
        rule.tiers.exclude(rank__in=ranks).delete()
    return AwardRule.objects.count()


def successor_rules(*, valid_from, valid_until, document: str) -> dict:
    """The seed's 第七条 tables under another document's validity: what loading new rules looks like when a
    successor keeps the same standards (the demo and the tests, whose calls lie after 第十五条's two years)."""
    data = rules_data()
    data.update(document=document, valid_from=str(valid_from), valid_until=str(valid_until))
    return data


def _blank(name: str):
    """The stored value of a field the file leaves empty: "" for text, None for numbers, False for flags."""
    if name in ("scheme", "grade", "min_base_comparison", "comparison", "seed_quote"):
        return ""
    if name == "upgrade_pays_difference":
        return False
    if name == "order":
        return 0
    return None


@transaction.atomic
def load_step_limits() -> int:
    data = json.loads(LIMITS_FIXTURE.read_text(encoding="utf-8"))
    for row in data["limits"]:
        StepLimit.objects.update_or_create(state=row["state"], defaults={"days": row["days"]})
    return StepLimit.objects.count()


def load_seed() -> dict:
    return {"奖励规则": load_award_rules(), "环节时限": load_step_limits()}
