"""Reference data: the 19 items (``fixtures/approval_items.json``), the risk-level ratios, the handover checklists."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from linfen_admin.models import Department, Region

from .models import HandoverChecklist, Item, RiskLevel

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
ITEM_FIELDS = [
    "name",
    "power_type",
    "legal_basis",
    "provincial_decision",
    "level",
    "receiving_department",
    "receiving_department_kind",
    "supervision_measures",
    "remarks",
    "supervising_departments",
    "supervision_levels",
    "reapply_bar_months",
]


def _fixture(name: str):
    return json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))


def receiving_departments(item: Item):
    """Every department that receives ``item``: the city one, or that kind's department in each county/zone."""
    departments = Department.objects.filter(kind=item.receiving_department_kind)
    if item.level == Item.Level.CITY:
        return departments.filter(region__isnull=True)
    return departments.filter(region__isnull=False).exclude(region__kind=Region.Kind.CITY)


@transaction.atomic
def load_items() -> dict:
    for row in _fixture("approval_items.json"):
        Item.objects.update_or_create(number=row["number"], defaults={key: row[key] for key in ITEM_FIELDS})
    for row in _fixture("approvals_risk_levels.json"):
        RiskLevel.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "credit_level": row["credit_level"],
                "ratio": row["ratio"],
                "order": row["order"],
            },
        )
    existing = set(HandoverChecklist.objects.values_list("item_id", "department_id"))
    HandoverChecklist.objects.bulk_create(
        [
            HandoverChecklist(item=item, department=department)
            for item in Item.objects.all()
            for department in receiving_departments(item)
            if (item.pk, department.pk) not in existing
        ]
    )
    return {
        "审批事项": Item.objects.count(),
        "风险等级": RiskLevel.objects.count(),
        "承接清单": HandoverChecklist.objects.count(),
    }
