"""Demo users, one per role. Only ever run with DEBUG on (``seed_demo`` refuses otherwise)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Department, Region, User
from .roles import GROUP_NAMES, Role

# username, full name, role, region name, department code
DEMO_USERS = [
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("security", "安全管理员", Role.SECURITY_ADMIN, None, None),
    ("auditor", "审计管理员", Role.AUDIT_ADMIN, None, None),
    ("leader", "领导小组成员", Role.LEADER, None, None),
    ("city_land", "市规划和自然资源局 王科长", Role.CITY_LAND, None, "city-land"),
    ("yaodu_land", "尧都区自然资源局 李明", Role.COUNTY_LAND, "尧都区", "141002-land"),
    ("hongdong_land", "洪洞县自然资源局 张华", Role.COUNTY_LAND, "洪洞县", "141024-land"),
    ("yaodu_industry", "尧都区工信局 赵强", Role.COUNTY_INDUSTRY, "尧都区", "141002-industry"),
    ("hongdong_industry", "洪洞县工信局 孙丽", Role.COUNTY_INDUSTRY, "洪洞县", "141024-industry"),
    ("city_industry", "市工信局 刘伟", Role.CITY_INDUSTRY, None, "city-industry"),
    ("city_energy", "市能源局 陈静", Role.CITY_ENERGY, None, "city-energy"),
    ("expert1", "评审专家 周教授", Role.EXPERT, None, None),
    ("expert2", "评审专家 吴高工", Role.EXPERT, None, None),
    ("finance", "市财政局 郑会计", Role.FINANCE, None, "city-finance"),
    ("city_approval", "市行政审批服务管理局 黄敏", Role.APPROVAL_OFFICER, None, "city-approval-service"),
    (
        "yaodu_approval",
        "尧都区行政审批服务管理局 马超",
        Role.APPROVAL_OFFICER,
        "尧都区",
        "141002-approval-service",
    ),
    ("inspector1", "市市场监督管理局 执法员 韩磊", Role.INSPECTOR, None, "city-market"),
    ("inspector2", "市卫生健康委员会 监督员 钱芳", Role.INSPECTOR, None, "city-health"),
    ("yaodu_inspector", "尧都区市场监督管理局 执法员 冯刚", Role.INSPECTOR, "尧都区", "141002-market"),
]


@transaction.atomic
def load_demo_users() -> dict:
    password = settings.DEMO_PASSWORD
    groups = {role: Group.objects.get(name=name) for role, name in GROUP_NAMES.items()}
    regions = {region.name: region for region in Region.objects.all()}
    departments = {department.code: department for department in Department.objects.all()}
    for username, full_name, role, region_name, department_code in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        user.full_name = full_name
        user.email = f"{username}@example.gov.cn"
        user.region = regions[region_name] if region_name else None
        user.department = departments[department_code] if department_code else None
        # City bureaus maintain their reference data (campaigns and quotas, calls) in the admin.
        user.is_staff = role in (
            Role.ADMIN,
            Role.SECURITY_ADMIN,
            Role.CITY_LAND,
            Role.CITY_INDUSTRY,
            Role.CITY_ENERGY,
        )
        user.is_superuser = (
            False  # no demo account holds every power (三权分立); a superuser is for emergencies
        )
        user.is_demo = True  # the mark the deploy check finds them by
        if created:
            user.set_password(password)
        user.save()
        user.groups.set([groups[role]])
    return {"演示用户": len(DEMO_USERS)}
