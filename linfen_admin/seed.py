"""Reference data of the shell: the 19 regions, the bureaus, one group per role with its permissions."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Department, Region
from .registry import registry
from .roles import AUDIT_PERMISSIONS, GROUP_NAMES, RESERVED_APPS, SECURITY_PERMISSIONS

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

# Department kinds every county-level region carries, and how its name ends.
COUNTY_DEPARTMENTS = {
    Department.Kind.LAND: "自然资源局",
    Department.Kind.INDUSTRY: "工业和信息化局",
    Department.Kind.ENERGY: "能源局",
    Department.Kind.APPROVAL_SERVICE: "行政审批服务管理局",
    Department.Kind.AGRICULTURE: "农业农村局",
    Department.Kind.MARKET: "市场监督管理局",
    Department.Kind.HEALTH: "卫生健康局",
}


def load_fixture(name: str):
    return json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_regions() -> int:
    for row in load_fixture("regions.json"):
        Region.objects.update_or_create(
            code=row["code"],
            defaults={"name": Region.normalise_name(row["name"]), "kind": row["kind"], "order": row["order"]},
        )
    registry.regions_changed()
    return Region.objects.count()


@transaction.atomic
def load_departments() -> int:
    for row in load_fixture("departments.json"):
        Department.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "kind": row["kind"], "region": None}
        )
    for region in Region.objects.exclude(kind=Region.Kind.CITY):
        for kind, suffix in COUNTY_DEPARTMENTS.items():
            Department.objects.update_or_create(
                code=f"{region.code}-{kind}".replace("_", "-"),
                defaults={"name": f"{region.name}{suffix}", "kind": kind, "region": region},
            )
    return Department.objects.count()


@transaction.atomic
def sync_role_groups() -> int:
    """One Django group per role, holding exactly the permissions the modules grant it."""
    all_permissions = Permission.objects.select_related("content_type")
    reserved = {*SECURITY_PERMISSIONS, *AUDIT_PERMISSIONS}
    by_code = {f"{p.content_type.app_label}.{p.codename}": p for p in all_permissions}
    for role, name in GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = registry.role_permissions.get(str(role), set())
        if "*" in wanted:
            # Everything but what belongs to the security and audit administrators (三权分立).
            permissions = [
                permission
                for code, permission in by_code.items()
                if permission.content_type.app_label not in RESERVED_APPS and code not in reserved
            ]
        else:
            unknown = wanted - by_code.keys()
            if unknown:
                raise ValueError(f"Unknown permissions granted to {role}: {sorted(unknown)}")
            permissions = [by_code[code] for code in sorted(wanted)]
        group.permissions.set(permissions)
    return len(GROUP_NAMES)


def load_core() -> dict:
    return {
        "行政区域": load_regions(),
        "部门": load_departments(),
        "角色组": sync_role_groups(),
    }
