"""Roles are Django groups, one per role; the group name is the Chinese label users read.

A role says *what* a user may do (through the group's model permissions); the user's region and
department say *where* (see ``scoping``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
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
