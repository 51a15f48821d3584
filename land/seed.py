"""Reference data of the land app: the 2022 campaign and its task table (附件 2), from ``fixtures/land_2022.json``."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from linfen_admin.models import Region

from .models import Campaign, Milestone, Phase, ReportDeadline, TaskQuota

FIXTURES = ("land_2022.json",)


def _fixture(name: str) -> dict:
    return json.loads((Path(settings.BASE_DIR) / "fixtures" / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_campaign(data: dict) -> Campaign:
    """Create or bring up to date one campaign with its phases, milestones, deadlines and quotas (idempotent)."""
    spec = data["campaign"]
    campaign, _created = Campaign.objects.update_or_create(
        year=spec["year"],
        defaults={
            "title": spec["title"],
            "document_no": spec.get("document_no", ""),
            "suspend_after_misses": spec.get("suspend_after_misses", 2),
            "bonus_percent": Decimal(spec.get("bonus_percent", "10")),
        },
    )
    for phase in spec["phases"]:
        Phase.objects.update_or_create(
            campaign=campaign,
            name=phase["name"],
            defaults={"starts_on": phase["starts_on"], "ends_on": phase["ends_on"]},
        )
    for milestone in spec["milestones"]:
        Milestone.objects.update_or_create(
            campaign=campaign, due_on=milestone["due_on"], defaults={"percent": Decimal(milestone["percent"])}
        )
    for deadline in spec["report_deadlines"]:
        ReportDeadline.objects.update_or_create(
            campaign=campaign,
            title=deadline["title"],
            defaults={"level": deadline["level"], "due_on": deadline["due_on"]},
        )
    regions = {Region.normalise_name(r.name): r for r in Region.objects.all()}
    for row in data["quotas"]:
        TaskQuota.objects.update_or_create(
            campaign=campaign,
            region=regions[Region.normalise_name(row["region"])],
            defaults={"unsupplied_mu": Decimal(row["unsupplied_mu"]), "idle_mu": Decimal(row["idle_mu"])},
        )
    return campaign


def load_land_reference() -> dict:
    campaigns = [load_campaign(_fixture(name)) for name in FIXTURES]
    return {
        "专项行动": len(campaigns),
        "任务分解": TaskQuota.objects.filter(campaign__in=campaigns).count(),
    }
