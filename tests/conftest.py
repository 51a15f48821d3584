"""Shared fixtures: the reference data of ``load_seed`` and one user per role."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.backends.signals import connection_created
from rest_framework.test import APIClient


def _browser_available() -> bool:
    from tests.e2e.conftest import browser_available

    return browser_available()


def _allow_test_flush(sender, connection, **kwargs):
    """Django empties the tables between transactional tests with TRUNCATE, which the audit table's trigger
    refuses (migration 0007) unless the session allows it: only the test suite's connections do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET linfen.audit_truncate = 'allow'")


connection_created.connect(_allow_test_flush, dispatch_uid="linfen_tests_allow_flush")

SERVICE_MARKERS = {
    "postgres": lambda: settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
    "redis": lambda: bool(settings.REDIS_URL),
    "browser": _browser_available,
}


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres``/``redis``/``browser`` need the real service (Chromium for ``browser``). CI provides both (REQUIRE_SERVICES=1),
    where a missing service is an error; a developer's plain SQLite run deselects them and says so."""
    missing = [name for name, available in SERVICE_MARKERS.items() if not available()]
    if not missing:
        return
    if os.environ.get("REQUIRE_SERVICES"):
        raise pytest.UsageError(f"REQUIRE_SERVICES is set but these services are not configured: {missing}")
    keep, drop = [], []
    for item in items:
        (drop if any(item.get_closest_marker(name) for name in missing) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        print(
            f"\n[linfen] {len(drop)} tests need {', '.join(missing)} and were deselected; .ci/run runs them."
        )


@pytest.fixture
def seeded(db):
    """Regions, departments and role groups (what ``load_seed`` loads for the shell)."""
    from linfen_admin.seed import load_core

    load_core()


@pytest.fixture
def make_user(seeded, django_user_model):
    from linfen_admin.models import Department, Region
    from linfen_admin.roles import GROUP_NAMES

    def make(username, role, region=None, department=None, **extra):
        region_obj = Region.objects.get(name=region) if isinstance(region, str) else region
        department_obj = (
            Department.objects.get(code=department) if isinstance(department, str) else department
        )
        user = django_user_model.objects.create_user(
            username=username,
            password="pw-for-tests-123",
            region=region_obj,
            department=department_obj,
            email=f"{username}@example.gov.cn",
            **extra,
        )
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
        return user

    return make


@pytest.fixture
def users(make_user):
    """The demo cast of DESIGN.md, built the same way ``seed_demo`` builds it."""
    from linfen_admin.roles import Role

    return {
        "admin": make_user("admin", Role.ADMIN, is_staff=True),
        "security": make_user("security", Role.SECURITY_ADMIN, is_staff=True),
        "auditor": make_user("auditor", Role.AUDIT_ADMIN),
        "root": make_user("root", Role.ADMIN, is_superuser=True, is_staff=True),  # the emergency superuser
        "leader": make_user("leader", Role.LEADER),
        "city_land": make_user("city_land", Role.CITY_LAND, department="city-land", is_staff=True),
        "yaodu_land": make_user("yaodu_land", Role.COUNTY_LAND, region="尧都区", department="141002-land"),
        "hongdong_land": make_user(
            "hongdong_land", Role.COUNTY_LAND, region="洪洞县", department="141024-land"
        ),
        "yaodu_industry": make_user(
            "yaodu_industry", Role.COUNTY_INDUSTRY, region="尧都区", department="141002-industry"
        ),
        "hongdong_industry": make_user(
            "hongdong_industry", Role.COUNTY_INDUSTRY, region="洪洞县", department="141024-industry"
        ),
        "city_industry": make_user("city_industry", Role.CITY_INDUSTRY, department="city-industry"),
        "city_energy": make_user("city_energy", Role.CITY_ENERGY, department="city-energy"),
        "expert1": make_user("expert1", Role.EXPERT),
        "expert2": make_user("expert2", Role.EXPERT),
        "finance": make_user("finance", Role.FINANCE, department="city-finance"),
        "city_approval": make_user(
            "city_approval", Role.APPROVAL_OFFICER, department="city-approval-service"
        ),
        "yaodu_approval": make_user(
            "yaodu_approval", Role.APPROVAL_OFFICER, region="尧都区", department="141002-approval-service"
        ),
        "hongdong_approval": make_user(
            "hongdong_approval", Role.APPROVAL_OFFICER, region="洪洞县", department="141024-approval-service"
        ),
        "inspector1": make_user("inspector1", Role.INSPECTOR, department="city-market"),
    }


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` authenticates with that user's token."""
    from rest_framework.authtoken.models import Token

    client = APIClient()

    def as_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def cockpit_seed(users):
    """The reference data of all three modules, and a function adding one parcel per region with a disposal on
    2022-06-10: ``make(prefix, [(region, area, disposed), …])`` — what the cockpit tests read."""
    import datetime
    from decimal import Decimal

    from approvals.seed import load_items
    from land import services
    from land.seed import load_land_reference
    from linfen_admin.models import Region
    from subsidies.seed import load_seed

    load_land_reference()
    load_seed()
    load_items()

    def make(prefix, rows):
        for name, area, done in rows:
            parcel = services.parcel_create(
                actor=users["city_land"],
                data={
                    "region": Region.objects.get(name=name),
                    "kind": "unsupplied",
                    "code": f"{prefix}-{name}",
                    "name": f"{name} 驾驶舱地块",
                    "area_mu": Decimal(area),
                },
            )
            services.disposal_record(
                actor=users["city_land"],
                parcel=parcel,
                disposed_on=datetime.date(2022, 6, 10),
                area_mu=Decimal(done),
                method="accelerate",
            )

    return make


def kept_after_each_test(request, differences):
    """The body of a module's autouse fixture (``yield from`` it): after every test that used the database,
    ``differences()`` — the module's kept totals against what they count — is empty."""
    database = next((name for name in ("transactional_db", "db") if name in request.fixturenames), None)
    if database is None:
        yield
        return
    request.getfixturevalue(database)  # set up first, so the database is still there when this checks
    yield
    assert differences() == []
