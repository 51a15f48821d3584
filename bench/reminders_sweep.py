"""Time one reminder sweep that creates ~20k notifications on SQLite (a throwaway file database).

    .venv/bin/python bench/reminders_sweep.py [--users 1000] [--objects 20]

A test rule reminds every user about each of ``--objects`` departments (users × objects notifications);
half the users want e-mail, so the sweep also fills their digests. Prints rows/s for the first sweep, the
rerun (everything already sent) and the flush of the digests (locmem mail backend).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--objects", type=int, default=20)
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="linfen-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from linfen_admin import outbox
    from linfen_admin.models import Department, EmailOutbox, Notification, OutboxItem, User
    from linfen_admin.registry import Reminder, ReminderRule, registry
    from linfen_admin.reminders import run_reminders
    from linfen_admin.seed import load_core

    load_core()
    User.objects.bulk_create(
        [
            User(
                username=f"bench{i:05d}", email=f"bench{i:05d}@example.gov.cn", email_notifications=i % 2 == 0
            )
            for i in range(options.users)
        ]
    )
    departments = list(Department.objects.order_by("code")[: options.objects])
    if len(departments) < options.objects:
        raise SystemExit(
            f"only {len(departments)} departments are seeded; use --objects ≤ {len(departments)}"
        )

    def collect(as_of):
        users = list(User.objects.filter(username__startswith="bench"))
        for index, department in enumerate(departments):
            yield Reminder(
                obj=department, period=f"bench-{index}", recipients=users, title=f"{department.name} 提醒"
            )

    registry.reminder_rules[:] = [ReminderRule("bench.sweep", "基准测试", collect)]
    expected = options.users * options.objects

    started = time.perf_counter()
    summary = run_reminders()
    first = time.perf_counter() - started
    assert summary.ok and summary.created == Notification.objects.count() == expected, summary.as_dict()

    started = time.perf_counter()
    again = run_reminders()
    second = time.perf_counter() - started
    assert again.created == 0 and again.existing == expected

    started = time.perf_counter()
    sent = 0
    while True:
        result = outbox.flush_outbox(limit=500)
        sent += result.sent
        if not result.claimed:
            break
    flush = time.perf_counter() - started

    print(f"SQLite {connection.Database.sqlite_version}, {options.users} users × {options.objects} objects")
    print(
        f"first sweep : {summary.created:>6} notifications, {summary.emails} digest items "
        f"in {first:.2f} s = {summary.created / first:,.0f} rows/s"
    )
    print(
        f"rerun       : {again.existing:>6} already sent, 0 new in {second:.2f} s = {expected / second:,.0f} rows/s"
    )
    print(
        f"flush       : {sent:>6} digests ({OutboxItem.objects.count()} items, "
        f"{EmailOutbox.objects.filter(status='sent').count()} sent) in {flush:.2f} s"
    )


if __name__ == "__main__":
    main()
