import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings_value(expression: str, env: dict, module: str = "linfen_admin.settings.local") -> str:
    """Evaluate one settings expression in a fresh interpreter with exactly ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module, VAR_DIR=env.get("VAR_DIR", str(ROOT / "var")))
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sqlite_is_the_default_and_debug_is_off(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    assert _settings_value("settings.DATABASES['default']['ENGINE']", env) == "django.db.backends.sqlite3"
    assert _settings_value("settings.DEBUG", env) == "False"
    assert _settings_value("settings.CACHES['default']['BACKEND']", env).endswith("LocMemCache")
    assert _settings_value("settings.CELERY_BROKER_URL", env) == "memory://"
    # The generated local key lives outside git, under VAR_DIR.
    assert (tmp_path / "secret_key").exists()


def test_database_url_selects_postgresql_with_psycopg3(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://u:p@db.example:5433/linfen"}
    assert _settings_value("settings.DATABASES['default']['ENGINE']", env) == "django.db.backends.postgresql"
    assert _settings_value("settings.DATABASES['default']['PORT']", env) == "5433"
    assert (
        _settings_value("__import__('django.db', fromlist=['connection']).connection.Database.__name__", env)
        == "psycopg"
    )


def test_redis_url_selects_redis_for_celery_and_cache(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6399/2"}
    assert _settings_value("settings.CELERY_BROKER_URL", env) == "redis://127.0.0.1:6399/2"
    assert _settings_value("settings.CACHES['default']['BACKEND']", env).endswith("RedisCache")


def test_debug_only_when_asked(tmp_path):
    assert _settings_value("settings.DEBUG", {"VAR_DIR": str(tmp_path), "DEBUG": "1"}) == "True"
    assert _settings_value("settings.DEBUG", {"VAR_DIR": str(tmp_path), "DEBUG": "0"}) == "False"


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="linfen_admin.settings.production", VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="linfen_admin.settings.production",
        SECRET_KEY="x" * 20 + "-production-secret-from-the-environment-0123456789",
        ALLOWED_HOSTS="linfen.example.gov.cn",
        VAR_DIR=str(tmp_path),
        EMAIL_HOST="smtp.linfen.example.gov.cn",
        REDIS_URL="redis://127.0.0.1:6399/0",
        SITE_URL="https://linfen.example.gov.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_check_deploy_fails_on_every_unsafe_default(tmp_path):
    """Console e-mail, the memory broker, a process-local cache behind several workers, a loopback SITE_URL."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "SITE_URL", "WEB_CONCURRENCY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="linfen_admin.settings.production",
        SECRET_KEY="x" * 20 + "-production-secret-from-the-environment-0123456789",
        ALLOWED_HOSTS="linfen.example.gov.cn",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    for code in ("E002", "E003", "E004", "E005"):
        assert f"linfen_admin.{code}" in result.stderr + result.stdout, code


def test_beat_keeps_its_schedule_under_var_dir_not_in_the_repository(settings):
    from pathlib import Path

    schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert schedule.parent == Path(settings.VAR_DIR)
    gitignore = (Path(settings.BASE_DIR) / ".gitignore").read_text(encoding="utf-8")
    assert "celerybeat-schedule*" in gitignore.splitlines()
