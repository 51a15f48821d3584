"""Two sweeps at once on PostgreSQL: exactly one notification per key, one digest per person, one mail each."""
# ruff: noqa: F811 - the ``rules`` fixture is imported from test_reminders_helpers

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection

from linfen_admin import outbox, reminders
from linfen_admin.models import EmailOutbox, Notification, OutboxItem, Region
from linfen_admin.reminders import run_reminders
from linfen_admin.roles import Role

from .test_reminders_helpers import department_rule, region_rule, rules  # noqa: F401 - fixtures

AS_OF = datetime.date(2022, 7, 1)


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(10)
            results[index] = target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_everything_exactly_once(users, rules, make_user, monkeypatch):
    for region in Region.objects.exclude(kind=Region.Kind.CITY):
        for index in range(3):
            make_user(f"clerk_{region.code}_{index}", Role.COUNTY_LAND, region=region)
    regions = region_rule(list(Region.objects.values_list("name", flat=True)), Role.COUNTY_LAND)

    def slow_regions(as_of):  # let the two sweeps' batches interleave
        for reminder in regions(as_of):
            time.sleep(0.01)
            yield reminder

    rules.add("test.region", slow_regions)
    rules.add("test.dept", department_rule(["141002-land", "141024-land", "city-land"]))
    monkeypatch.setattr(reminders, "BATCH_SIZE", 7)  # many small transactions interleave

    first, second = _in_threads(2, lambda: run_reminders(AS_OF))

    assert first.ok and second.ok, (first.errors, second.errors)
    total = Notification.objects.count()
    expected = Notification.objects.values(
        "rule", "content_type", "object_id", "period", "recipient"
    ).distinct()
    assert total == expected.count() == 18 * 3 + 2 + 3
    # each sweep counted only what it really inserted: together exactly the rows that exist
    assert first.created + second.created == total
    assert first.created + first.existing == second.created + second.existing == total
    assert OutboxItem.objects.count() == total  # every notification rides in exactly one digest
    people = Notification.objects.values("recipient").distinct().count()
    assert EmailOutbox.objects.count() == people  # one digest per person

    flushed = _in_threads(2, lambda: outbox.flush_outbox(limit=1000))
    assert sum(result.sent for result in flushed) == people
    assert len(mail.outbox) == people
    assert len({tuple(message.to) for message in mail.outbox}) == people  # nobody twice
