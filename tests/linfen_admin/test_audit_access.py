"""Who reads which audit rows: one selector (``scoping.audit_events_visible_to``) for the page, the admin and any
API — the rows about objects the reader may see, and never the audit table itself as an "object"."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from linfen_admin import audit
from linfen_admin.models import AuditEvent, Region
from linfen_admin.scoping import audit_events_visible_to

ROLES = [
    "admin",
    "leader",
    "city_land",
    "yaodu_land",
    "yaodu_industry",
    "city_industry",
    "expert1",
    "finance",
]


@pytest.fixture
def events(users):
    yaodu = Region.objects.get(name="尧都区")
    hongdong = Region.objects.get(name="洪洞县")
    return [
        audit.record(
            actor=users["admin"],
            action=audit.Action.UPDATE,
            obj=region,
            before={"name": "旧"},
            after={"name": region.name},
        )
        for region in (yaodu, hongdong)
    ]


@pytest.mark.parametrize("who", ROLES)
def test_the_audit_table_is_never_the_object_of_an_audit_page(client, users, events, who):
    client.force_login(users[who])
    audit_type = ContentType.objects.get_for_model(AuditEvent)
    for event in events:
        assert client.get(reverse("audit-trail", args=[audit_type.pk, event.pk])).status_code == 404


def test_unknown_types_and_ids_answer_404(client, users):
    client.force_login(users["admin"])
    assert client.get(reverse("audit-trail", args=[999999, 1])).status_code == 404
    region_type = ContentType.objects.get_for_model(Region)
    assert client.get(reverse("audit-trail", args=[region_type.pk, "x"])).status_code == 404


def test_the_selector_never_serves_rows_about_audit_rows(users, events):
    meta = audit.record(actor=users["admin"], action=audit.Action.CREATE, obj=events[0])
    assert not audit_events_visible_to(users["admin"]).filter(pk=meta.pk).exists()


def test_a_county_clerk_reads_the_rows_of_their_own_region_only(users, events):
    assert set(audit_events_visible_to(users["yaodu_land"]).values_list("pk", flat=True)) == {events[0].pk}


@pytest.mark.parametrize("who", ["admin", "city_land", "city_industry"])
def test_admin_and_selector_agree(client, users, events, who):
    user = users[who]
    client.force_login(user)
    response = client.get(reverse("admin:linfen_admin_auditevent_changelist"))
    if response.status_code != 200:
        assert response.status_code in (302, 403)
        return
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == set(audit_events_visible_to(user).values_list("pk", flat=True))
