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


def test_deploy_check_finds_demo_accounts_by_their_mark_not_by_a_list(db, settings):
    from linfen_admin.checks import demo_accounts_absent
    from linfen_admin.demo import DEMO_USERS

    renamed = User.objects.create_user("zhang_wei", password="whatever-long-2026", is_demo=True)
    User.objects.create_user(
        "leader", password=settings.DEMO_PASSWORD
    )  # a real person named leader: not demo
    errors = demo_accounts_absent(None)
    assert [error.id for error in errors] == ["linfen_admin.E001"] and "zhang_wei" in errors[0].msg
    renamed.is_active = False
    renamed.save()
    assert demo_accounts_absent(None) == []
    call_command("load_seed", verbosity=0)
    from linfen_admin.demo import load_demo_users

    load_demo_users()
    assert User.objects.filter(is_demo=True, is_active=True).count() == len(DEMO_USERS)
    assert f"({len(DEMO_USERS)})" in demo_accounts_absent(None)[0].msg


def test_readme_and_bin_start_list_the_same_demo_users_as_seed_demo():
    import re
    from pathlib import Path

    from linfen_admin.demo import DEMO_USERS

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("Demo users", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"`([a-z0-9_]+)`", table))
    assert listed == {username for username, *_ in DEMO_USERS}
    start = (root / "bin" / "start").read_text(encoding="utf-8")
    assert "seed_demo" in start and not any(f" {name} " in start for name in ("leader", "expert1", "finance"))


def test_the_production_lock_is_the_runtime_part_of_the_full_lock():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]

    def pins(name):
        lines = (root / name).read_text(encoding="utf-8").splitlines()
        return dict(line.split("==") for line in lines if line and not line.startswith("#"))

    full, prod = pins("requirements.lock"), pins("requirements.prod.lock")
    assert prod.items() <= full.items()  # same versions
    for tool in ("pytest", "playwright", "ruff", "Faker", "factory_boy", "import-linter"):
        assert tool in full and tool not in prod
    for runtime in ("Django", "celery", "gunicorn", "psycopg", "whitenoise", "chinesecalendar"):
        assert runtime in prod
