"""Roles are Django groups, one per role; the group name is the Chinese label users read.

A role says *what* a user may do (through the group's model permissions); the user's region and
department say *where* (see ``scoping``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    LEADER = "leader", _("领导小组")
    CITY_LAND = "city_land", _("市规划和自然资源局")
    COUNTY_LAND = "county_land", _("县级自然资源局")
    COUNTY_INDUSTRY = "county_industry", _("县级工信(能源)主管部门")
    CITY_INDUSTRY = "city_industry", _("市工信局")
    CITY_ENERGY = "city_energy", _("市能源局")
    EXPERT = "expert", _("评审专家")
    FINANCE = "finance", _("市财政局")
    APPROVAL_OFFICER = "approval_officer", _("审批承办人员")
    INSPECTOR = "inspector", _("监管执法人员")


# Group names are stored untranslated (Chinese) so that they do not change with the interface language.
GROUP_NAMES: dict[str, str] = {
    Role.ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
    Role.LEADER: "领导小组",
    Role.CITY_LAND: "市规划和自然资源局",
    Role.COUNTY_LAND: "县级自然资源局",
    Role.COUNTY_INDUSTRY: "县级工信(能源)主管部门",
    Role.CITY_INDUSTRY: "市工信局",
    Role.CITY_ENERGY: "市能源局",
    Role.EXPERT: "评审专家",
    Role.FINANCE: "市财政局",
    Role.APPROVAL_OFFICER: "审批承办人员",
    Role.INSPECTOR: "监管执法人员",
}
ROLE_BY_GROUP_NAME = {name: role for role, name in GROUP_NAMES.items()}

# Roles that read every region's rows but change nothing.
READ_ONLY_ROLES = frozenset({Role.LEADER})
# Roles whose users must carry a region: they see and change only that region's rows.
REGION_SCOPED_ROLES = frozenset({Role.COUNTY_LAND, Role.COUNTY_INDUSTRY})

# 三权分立 (GB/T 22239-2019 level 3): three administrators, none of whom holds another's power. The 系统管理员 keeps
# accounts and reference data; the 安全管理员 alone grants roles, unlocks sign-ins and resets second factors; the
# 审计管理员 alone reads and exports the whole trail, and does nothing else. One person holds at most one of them.
SEPARATED_ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that do the programmes' work (everyone but the security and audit administrators).
WORK_ROLES = tuple(role for role in Role if role not in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN))

# Permissions the 系统管理员's "everything" leaves out: they belong to the other two administrators.
SECURITY_PERMISSIONS = (
    "linfen_admin.assign_roles",
    "linfen_admin.reset_two_factor",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accessfailurelog",
    "axes.view_accesslog",
    "auth.view_group",
    "auth.view_permission",
)
AUDIT_PERMISSIONS = ("linfen_admin.review_auditevent",)
# Whole apps no 系统管理员 may touch: role definitions (groups are synced from code), the lockout records, the
# second-factor devices.
RESERVED_APPS = frozenset({"auth", "axes", "otp_totp", "otp_static"})
