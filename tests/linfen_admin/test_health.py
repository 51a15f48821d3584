"""/healthz/: database, broker, the last reminder sweep (beat alive) and the outbox backlog; no sign-in, no
HTTPS redirect (the load balancer probes over http)."""

import datetime

import pytest
from django.utils import timezone

from linfen_admin.models import EmailOutbox, SweepRun
from linfen_admin.reminders import run_reminders


@pytest.mark.django_db
def test_health_before_any_sweep_is_degraded_not_down(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["reminder_sweep"] == {"ok": False, "last_finished_at": None, "age_hours": None}


@pytest.mark.django_db
def test_a_real_sweep_makes_it_healthy_and_a_stale_one_degraded(client, users):
    run_reminders(dry_run=True)
    assert not SweepRun.objects.exists()  # a dry run is no proof that beat runs
    run_reminders()
    body = client.get("/healthz/").json()
    assert body["status"] == "ok" and body["checks"]["reminder_sweep"]["ok"]
    SweepRun.objects.update(finished_at=timezone.now() - datetime.timedelta(hours=27))
    assert client.get("/healthz/").json()["status"] == "degraded"


@pytest.mark.django_db
def test_outbox_backlog_is_reported(client, users):
    EmailOutbox.objects.create(recipient=users["leader"], digest_date=datetime.date(2026, 12, 1))
    EmailOutbox.objects.create(
        recipient=users["finance"], digest_date=datetime.date(2026, 12, 1), status="failed"
    )
    assert client.get("/healthz/").json()["checks"]["email_outbox"] == {"pending": 1, "failed": 1}


@pytest.mark.django_db
def test_broker_down_answers_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz/")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_health_is_exempt_from_the_https_redirect(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="linfen_admin.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="testserver",
        VAR_DIR=str(tmp_path),
    )
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(c.get('/healthz/').status_code, c.get('/login/').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert len(result.stdout.split()) >= 2, result.stderr[-2000:]
    health, login = result.stdout.split()[-2:]
    assert health != "301" and login == "301", result.stderr
