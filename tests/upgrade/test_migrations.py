"""Upgrades: a database made by the previous release's migrations, with data in it, migrates to this release and
keeps every row. ``PREVIOUS_RELEASE`` names the last migration of each app in the release before (update it when a
release ships)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The release of 2026-11-28 (commit 9919ad5).
PREVIOUS_RELEASE = [
    ("linfen_admin", "0003_email_outbox"),
    ("land", "0001_initial"),
    ("subsidies", "0001_initial"),
    ("approvals", "0002_work_calendar"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_release_migrates_with_its_data():
    old = _migrate(PREVIOUS_RELEASE)
    Region = old.get_model("linfen_admin", "Region")
    User = old.get_model("linfen_admin", "User")
    Parcel = old.get_model("land", "Parcel")
    Campaign = old.get_model("land", "Campaign")
    region = Region.objects.create(code="141002", name="尧都区", kind="county", order=3)
    user = User.objects.create(username="old_clerk", full_name="老用户", region=region)
    Campaign.objects.create(year=2022, title="2022 年度专项行动")
    parcel = Parcel.objects.create(
        region=region,
        kind="unsupplied",
        code="OLD-1",
        name="旧地块",
        area_mu=Decimal("12.500"),
        status="in_progress",
        supervised=True,
    )
    try:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
        from land.models import Parcel as CurrentParcel
        from linfen_admin.models import SweepRun
        from linfen_admin.models import User as CurrentUser

        migrated = CurrentParcel.objects.get(pk=parcel.pk)
        assert (migrated.code, migrated.area_mu, migrated.status, migrated.supervised) == (
            "OLD-1",
            Decimal("12.500"),
            "in_progress",
            True,
        )
        clerk = CurrentUser.objects.get(pk=user.pk)
        assert clerk.full_name == "老用户" and clerk.is_demo is False
        SweepRun.objects.create(
            as_of=datetime.date(2026, 12, 1)
        )  # the release's new table is there and usable
        assert SweepRun.objects.count() == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
