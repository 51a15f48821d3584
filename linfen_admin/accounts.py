"""Accounts: the named system account scheduled jobs act as, and staff imported in bulk from a spreadsheet."""

import csv
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from .models import Department, Region, User
from .roles import GROUP_NAMES, REGION_SCOPED_ROLES, ROLE_BY_GROUP_NAME, SEPARATED_ADMIN_ROLES, Role

SYSTEM_USERNAME = "system"
SYSTEM_FULL_NAME = "系统(定时任务)"


def system_user() -> User:
    """The system account (created on first use). It cannot sign in: its password is unusable and it is not
    staff; it is a superuser only so that services accept its writes without a role of its own."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": SYSTEM_FULL_NAME, "is_superuser": True, "is_staff": False, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- roles (the 安全管理员's) ---------------------------------------------------------------------------------

SOLE_ROLES = frozenset({Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def check_roles(*, actor, user: User, groups) -> None:
    """Refuse a role assignment that breaks the separation of powers (三权分立) or the scoping rules. Raises
    ``PermissionDenied`` when ``actor`` may not assign roles at all, ``ValidationError`` for a bad combination."""
    from .writes import require_actor

    require_actor(actor)
    if not (actor.is_superuser or actor.has_perm("linfen_admin.assign_roles")):
        raise PermissionDenied("只有安全管理员可以分配角色。")
    if user.pk is not None and user.pk == actor.pk and not actor.is_superuser:
        raise ValidationError("不能修改自己的角色:请另一位安全管理员办理。")
    roles = {ROLE_BY_GROUP_NAME[group.name] for group in groups if group.name in ROLE_BY_GROUP_NAME}
    separated = roles & SEPARATED_ADMIN_ROLES
    if len(separated) > 1:
        labels = "、".join(sorted(str(Role(role).label) for role in separated))
        raise ValidationError(
            f"系统管理员、安全管理员、审计管理员三者分设,同一人只能担任其一(现选:{labels})。"
        )
    sole = roles & SOLE_ROLES
    if sole and len(roles) > 1:
        raise ValidationError(f"{Role(next(iter(sole))).label}不能兼任其他角色。")
    if roles & REGION_SCOPED_ROLES and user.region_id is None:
        raise ValidationError("县级角色必须先填写所属县(市、区)。")


@transaction.atomic
def assign_roles(*, actor, user: User, groups) -> None:
    """Give ``user`` exactly ``groups`` (roles), after ``check_roles``; audited as 角色 before → after."""
    from . import audit

    groups = list(groups)
    check_roles(actor=actor, user=user, groups=groups)
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(group.name for group in groups)
    if before == after:
        return
    user.groups.set(groups)
    user.__dict__.pop("roles", None)
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=user,
        before={"groups": "、".join(before) or "无"},
        after={"groups": "、".join(after) or "无"},
        comment="分配角色",
    )


# --- sessions, passwords, second factors ----------------------------------------------------------------------


@transaction.atomic
def sign_out_everywhere(*, actor, user: User) -> None:
    """End every session of ``user`` on every device (their API tokens too). A person may do it for themselves;
    the 安全管理员 for anyone, e.g. when a phone is lost."""
    from rest_framework.authtoken.models import Token

    from . import audit

    if actor.pk != user.pk and not (actor.is_superuser or actor.has_perm("linfen_admin.assign_roles")):
        raise PermissionDenied("只能让自己退出所有设备。")
    User.objects.filter(pk=user.pk).update(sessions_version=F("sessions_version") + 1)
    user.refresh_from_db(fields=["sessions_version"])
    Token.objects.filter(user=user).delete()
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=user, comment="退出所有设备")


def password_changed(*, actor, user: User) -> None:
    """After a password change: a person who chose their own is done with the first-login change; a password
    set by an administrator must be changed again by its owner at the next sign-in."""
    from . import audit

    must_change = actor.pk != user.pk
    User.objects.filter(pk=user.pk).update(must_change_password=must_change)
    user.must_change_password = must_change
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=user,
        comment="修改密码" if not must_change else "管理员重设密码(下次登录须修改)",
    )


@transaction.atomic
def reset_two_factor(*, actor, user: User) -> int:
    """Remove ``user``'s authenticator and recovery codes (the 安全管理员's, e.g. after a lost phone): they
    enrol again at their next sign-in. Returns how many devices went."""
    from django_otp import devices_for_user

    from . import audit

    if not (actor.is_superuser or actor.has_perm("linfen_admin.reset_two_factor")):
        raise PermissionDenied("只有安全管理员可以重置双因素认证。")
    if actor.pk == user.pk and not actor.is_superuser:
        raise PermissionDenied("不能重置自己的双因素认证:请另一位安全管理员办理。")
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=user, comment="重置双因素认证")
    return removed


# --- staff in bulk -------------------------------------------------------------------------------------------

STAFF_COLUMNS = {
    "username": ("用户名", "账号"),
    "full_name": ("姓名",),
    "role": ("角色",),
    "region": ("县(市、区)", "区域"),
    "department": ("部门", "部门名称", "部门编码"),
    "email": ("邮箱", "电子邮箱"),
}


@dataclass(frozen=True)
class StaffRowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.column}:{self.message}"


class StaffSheetInvalid(Exception):
    def __init__(self, errors: list[StaffRowError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def read_staff_sheet(path) -> list[dict]:
    """Rows of an xlsx or csv staff list (header on the first row, Chinese headers as in ``STAFF_COLUMNS``)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    if not rows:
        return []
    header = ["".join(str(cell).split()) for cell in rows[0]]
    index = {}
    for key, names in STAFF_COLUMNS.items():
        index[key] = next((header.index(name) for name in names if name in header), None)
    return [
        {key: (row[i] if i is not None and i < len(row) else "") for key, i in index.items()}
        | {"_row": number}
        for number, row in enumerate(rows[1:], start=2)
        if any(row)
    ]


@transaction.atomic
def staff_import(*, actor, rows: list[dict]) -> list[tuple[User, str]]:
    """Create staff accounts with their role, region and department, all or none. Each gets a random initial
    password (returned once, for handing over); nobody's password is ever read from a sheet. Existing usernames
    are refused, not overwritten. Audited in bulk."""
    from . import audit
    from .writes import require_perm

    require_perm(actor, User, "add")
    groups = {name: Group.objects.get(name=name) for name in GROUP_NAMES.values()}
    by_label = {
        **{str(role): GROUP_NAMES[role] for role in Role},
        **{name: name for name in GROUP_NAMES.values()},
    }
    regions = {region.name: region for region in Region.objects.all()}
    departments = {d.code: d for d in Department.objects.all()} | {
        d.name: d for d in Department.objects.all()
    }
    taken = set(User.objects.values_list("username", flat=True))
    errors, pending, seen = [], [], set()
    for raw in rows:
        number = raw["_row"]
        username = raw.get("username", "")
        if not username or username in taken or username in seen:
            errors.append(StaffRowError(number, "用户名", "为空或已存在" if username else "不能为空"))
            continue
        seen.add(username)
        group = by_label.get(raw.get("role", ""))
        if group is None:
            errors.append(StaffRowError(number, "角色", f"未知的角色:“{raw.get('role', '')}”"))
            continue
        region_name = Region.normalise_name(raw.get("region", ""))
        region = regions.get(region_name) if region_name else None
        if region_name and region is None:
            errors.append(StaffRowError(number, "县(市、区)", f"未知的县(市、区):“{region_name}”"))
            continue
        if ROLE_BY_GROUP_NAME[group] in REGION_SCOPED_ROLES and region is None:
            errors.append(StaffRowError(number, "县(市、区)", "县级角色必须填写所属县(市、区)"))
            continue
        department = departments.get(raw.get("department", "")) if raw.get("department") else None
        if raw.get("department") and department is None:
            errors.append(StaffRowError(number, "部门", f"未知的部门:“{raw['department']}”"))
            continue
        if department is not None and region is not None and department.region_id not in (None, region.pk):
            errors.append(StaffRowError(number, "部门", "部门不属于所填县(市、区)"))
            continue
        pending.append(
            (
                User(
                    username=username,
                    full_name=raw.get("full_name", ""),
                    email=raw.get("email", ""),
                    region=region,
                    department=department,
                ),
                groups[group],
            )
        )
    if errors:
        raise StaffSheetInvalid(errors)
    created = []
    for user, group in pending:
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        # Handed over on paper: the person chooses their own at the first sign-in.
        user.must_change_password = True
        user.full_clean(exclude=["password"])
        user.save()
        user.groups.add(group)
        created.append((user, password))
    audit.record_many(
        actor=actor,
        action=audit.Action.IMPORT,
        changes=[(user, None, audit.snapshot(user)) for user, _password in created],
        comment="导入人员名单",
    )
    return created
