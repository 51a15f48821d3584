import pytest
from django.core.management import CommandError, call_command

from linfen_admin.models import User


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_seed_demo_creates_one_user_per_role_and_is_idempotent(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "another-demo-password"
    call_command("seed_demo", verbosity=0)
    users = {user.username: user for user in User.objects.prefetch_related("groups")}
    for name in (
        "admin",
        "leader",
        "city_land",
        "yaodu_land",
        "hongdong_land",
        "yaodu_industry",
        "city_industry",
        "city_energy",
        "expert1",
        "finance",
        "city_approval",
        "yaodu_approval",
    ):
        assert name in users
        assert users[name].check_password("another-demo-password")
    assert users["yaodu_land"].region.name == "尧都区"
    assert users["hongdong_land"].roles == {"county_land"}
    assert users["leader"].roles == {"leader"} and users["leader"].region is None
    count = User.objects.count()
    call_command("seed_demo", verbosity=0)
    assert User.objects.count() == count


def test_deploy_check_flags_demo_accounts_with_the_demo_password(db, settings):
    from linfen_admin.checks import demo_accounts_absent

    settings.DEBUG = False
    User.objects.create_user("leader", password=settings.DEMO_PASSWORD)
    errors = demo_accounts_absent(None)
    assert [error.id for error in errors] == ["linfen_admin.E001"]
    user = User.objects.get(username="leader")
    user.set_password("a-real-long-password-2026")
    user.save()
    assert demo_accounts_absent(None) == []
