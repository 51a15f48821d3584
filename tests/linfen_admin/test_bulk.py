"""``bulk.insert_many``: the reminder sweep's INSERT — arrays on PostgreSQL, VALUES chunks on SQLite — skips
conflicts, returns only what it inserted, and stores dates as the ORM would."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linfen_admin.bulk import insert_many
from linfen_admin.models import Notification, Region

FIELDS = ["recipient", "rule", "content_type", "object_id", "period", "title", "body", "url", "created_at"]
KEY = ["rule", "content_type", "object_id", "period", "recipient"]


@pytest.fixture
def rows(users):
    region_type = ContentType.objects.get_for_model(Region).pk
    at = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 30))
    user = users["city_land"]

    def make(count, start=0):
        return [
            (
                user.pk,
                "test.rule",
                region_type,
                str(n),
                "2026-W49",
                f"第 {n} 条 “引号” 'x'",
                "",
                f"/r/{n}/",
                at,
            )
            for n in range(start, start + count)
        ]

    return make


@pytest.mark.django_db
def test_inserts_skips_what_exists_and_returns_only_the_new_rows(rows):
    first = insert_many(Notification, FIELDS, rows(300), skip_conflicts_on=KEY, returning=["id", "object_id"])
    assert sorted(int(object_id) for _pk, object_id in first) == list(range(300))
    again = insert_many(Notification, FIELDS, rows(400), skip_conflicts_on=KEY, returning=["id", "object_id"])
    assert sorted(int(object_id) for _pk, object_id in again) == list(range(300, 400))
    assert Notification.objects.count() == 400
    stored = Notification.objects.get(object_id="7")
    assert stored.title == "第 7 条 “引号” 'x'" and stored.url == "/r/7/"
    assert stored.created_at == timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 30))


@pytest.mark.django_db
def test_one_statement_on_postgresql_and_chunks_within_the_parameter_limit_elsewhere(rows):
    with CaptureQueriesContext(connection) as captured:
        insert_many(Notification, FIELDS, rows(1000))
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    if connection.vendor == "postgresql":
        assert len(inserts) == 1 and "unnest" in inserts[0]["sql"]  # logged like any query
    else:
        per_statement = connection.features.max_query_params // len(FIELDS)
        assert len(inserts) == -(-1000 // per_statement)
    assert Notification.objects.count() == 1000


@pytest.mark.django_db
def test_nothing_to_insert_is_no_query():
    with CaptureQueriesContext(connection) as captured:
        assert insert_many(Notification, FIELDS, []) == []
    assert len(captured) == 0
