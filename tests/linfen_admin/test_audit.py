import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from linfen_admin import audit
from linfen_admin.models import AuditEvent, Region


@pytest.fixture
def event(users):
    region = Region.objects.get(name="尧都区")
    return audit.record(
        actor=users["city_land"],
        action=audit.Action.UPDATE,
        obj=region,
        before={"name": "尧都区", "order": 3},
        after={"name": "尧都区", "order": 4},
        comment="调整排序",
    )


def test_record_keeps_who_when_what_before_and_after(event, users):
    assert event.actor == users["city_land"]
    assert event.actor_name == "city_land"
    assert event.at is not None
    assert event.changes == {"order": [3, 4]}
    assert event.object_repr == "尧都区"
    assert event.comment == "调整排序"
    assert list(audit.history_for(Region.objects.get(name="尧都区"))) == [event]


def test_snapshot_is_json_friendly(users):
    region = Region.objects.get(name="古县")
    data = audit.snapshot(region)
    assert data["name"] == "古县" and data["code"] == "141025"
    assert audit.snapshot_value(Decimal("383.528")) == "383.528"
    assert audit.snapshot_value(datetime.date(2022, 6, 30)) == "2022-06-30"


def test_diff_lists_only_changed_fields():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert audit.diff(None, {"a": 1}) == {"a": [None, 1]}


def test_orm_refuses_to_change_or_delete_audit_rows(event):
    event.comment = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="篡改")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).comment == "调整排序"


def test_database_refuses_update_even_from_raw_sql(event):
    """Admins with a database shell included: the trigger refuses UPDATE."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE linfen_admin_auditevent SET comment = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).comment == "调整排序"


@pytest.mark.postgres
def test_postgresql_refuses_delete_from_raw_sql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM linfen_admin_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_recording_writes_one_row_per_object(users):
    regions = list(Region.objects.all()[:5])
    written = audit.record_many(
        actor=users["admin"],
        action=audit.Action.IMPORT,
        changes=[(region, None, audit.snapshot(region)) for region in regions],
    )
    assert written == 5
    assert AuditEvent.objects.filter(action="import").count() == 5


def test_admin_offers_no_add_change_or_delete_even_to_superusers(client, users, event):
    client.force_login(users["admin"])
    assert client.get("/admin/linfen_admin/auditevent/").status_code == 200
    assert client.get("/admin/linfen_admin/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/linfen_admin/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    page = client.get(f"/admin/linfen_admin/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_edits_of_reference_data_are_audited(client, users):
    client.force_login(users["admin"])
    region = Region.objects.get(name="古县")
    url = f"/admin/linfen_admin/region/{region.pk}/change/"
    response = client.post(url, {"code": "141025", "name": "古县", "kind": "zone", "order": 8})
    assert response.status_code == 302
    event = AuditEvent.objects.first()
    assert event.actor == users["admin"] and event.object_repr == "古县"
    assert event.changes == {"kind": ["county", "zone"]}
    before = AuditEvent.objects.count()
    client.post(url, {"code": "141025", "name": "古县", "kind": "zone", "order": 8})  # unchanged: no row
    assert AuditEvent.objects.count() == before


def test_sign_in_leaves_an_audit_row(client, users):
    assert client.post("/login/", {"username": "leader", "password": "pw-for-tests-123"}).status_code == 302
    event = AuditEvent.objects.first()
    assert event.action == "login" and event.actor == users["leader"]
