"""Celery: thin tasks, on-commit queueing, backoff on mail failures, a real worker against real Redis."""
# ruff: noqa: F811 - the ``rules`` fixture is imported from test_reminders_helpers

import datetime
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from linfen_admin.celery import app
from linfen_admin.models import EmailOutbox, Notification
from linfen_admin.roles import Role
from linfen_admin.tasks import flush_outbox_task, send_reminders_task

from .test_celery_worker_rule import WORKER_RULE
from .test_outbox import FlakyBackend
from .test_reminders_helpers import department_rule, region_rule, rules  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]


def test_beat_schedule_names_registered_tasks():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {"linfen_admin.tasks.send_reminders_task", "linfen_admin.tasks.flush_outbox_task"}
    assert names <= set(app.tasks)
    assert app.conf.timezone == "Asia/Shanghai" and app.conf.enable_utc is False


@pytest.mark.django_db
def test_sweep_task_runs_the_engine_returns_plain_data_and_queues_the_flush_after_commit(
    users, rules, django_capture_on_commit_callbacks
):
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    with (
        mock.patch.object(flush_outbox_task, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        result = send_reminders_task.apply(kwargs={"as_of_iso": "2022-07-01"}).get()
        assert apply_async.call_count == 0  # not before commit
    assert json.loads(json.dumps(result)) == result  # strings and numbers only
    assert (result["as_of"], result["created"], result["emails"]) == ("2022-07-01", 2, 2)
    assert len(callbacks) == 1
    callbacks[0]()
    assert apply_async.call_count == 1
    # safe to run twice: nothing new, no flush queued
    with (
        mock.patch.object(flush_outbox_task, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        again = send_reminders_task.apply(kwargs={"as_of_iso": "2022-07-01"}).get()
    assert (again["created"], again["existing"], callbacks, apply_async.call_count) == (0, 2, [], 0)
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_a_rolled_back_transaction_queues_nothing(users, rules, django_capture_on_commit_callbacks):
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    with (
        mock.patch.object(flush_outbox_task, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send_reminders_task.apply(kwargs={"as_of_iso": "2022-07-01"}, throw=True)
                raise RuntimeError("the caller's transaction fails")
    assert (callbacks, apply_async.call_count) == ([], 0)
    assert Notification.objects.count() == 0 and EmailOutbox.objects.count() == 0


@pytest.mark.django_db
def test_sweep_task_defaults_to_today_in_shanghai(users, rules):
    seen = []
    rules.add("test.spy", lambda as_of: seen.append(as_of) or [])
    with time_machine.travel(datetime.datetime(2022, 6, 30, 16, 30, tzinfo=datetime.UTC), tick=False):
        result = send_reminders_task.apply().get()
    assert result["as_of"] == "2022-07-01" and seen == [datetime.date(2022, 7, 1)]


@pytest.mark.django_db
def test_flush_task_retries_with_exponential_backoff_when_the_mail_server_fails(users, rules, settings):
    settings.EMAIL_BACKEND = "tests.linfen_admin.test_outbox.FlakyBackend"
    FlakyBackend.mode = "down"
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    send_reminders_task.apply(kwargs={"as_of_iso": "2022-07-01"})
    countdowns = []
    moment = datetime.datetime.now(tz=datetime.UTC)
    for retries in range(3):
        moment += datetime.timedelta(hours=3)  # past the row's own backoff
        with (
            time_machine.travel(moment, tick=False),
            mock.patch.object(flush_outbox_task, "retry", side_effect=Retry("later")) as retry,
        ):
            flush_outbox_task.apply(retries=retries)
        countdowns.append(retry.call_args.kwargs["countdown"])
        assert "SMTPServerDisconnected" in str(retry.call_args.kwargs["exc"])
    assert countdowns == [60, 120, 240]
    digest = EmailOutbox.objects.get()
    assert (digest.status, digest.attempts) == (EmailOutbox.Status.PENDING, 3)
    FlakyBackend.mode = "up"
    with time_machine.travel(moment + datetime.timedelta(hours=3), tick=False):
        assert flush_outbox_task.apply().get()["sent"] == 1
    assert len(mail.outbox) == 1


def _worker_database_url() -> str:
    """The test database (pytest-django's ``test_`` name) as a URL the worker's settings understand."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_end_to_end(users, tmp_path):
    queue = f"linfen-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.test"),
        "DATABASE_URL": _worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "LINFEN_TEST_WORKER_RULE": "1",
        "CONN_MAX_AGE": "0",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "linfen_admin",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "-I",
                "tests.linfen_admin.test_celery_worker_rule",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        send_reminders_task.apply_async(
            kwargs={"as_of_iso": "2022-07-01", "rule_codes": [WORKER_RULE]}, queue=queue
        )
        deadline = time.monotonic() + 60
        sent = False
        while time.monotonic() < deadline and worker.poll() is None:
            notes = list(
                Notification.objects.filter(rule=WORKER_RULE).values_list("recipient__username", flat=True)
            )
            sent = EmailOutbox.objects.filter(status=EmailOutbox.Status.SENT).exists()
            if notes and sent:
                break
            time.sleep(0.5)
        output = log.read_text()
        assert notes == ["yaodu_land"], output
        # the sweep queued the flush on its own queue after commit; the same worker sent the digest
        assert sent, output
        digest = EmailOutbox.objects.get()
        assert digest.recipient.username == "yaodu_land" and "尧都区 进度提醒" in digest.body
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(f"_kombu.binding.{queue}", queue)
