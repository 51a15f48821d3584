"""One write path for approvals: the admin corrects reference data through the services, which check who may;
the API refuses the case's derived fields."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals import services
from approvals.models import CreditBlacklist, HandoverChecklist, Item, LicensedEntity, RiskLevel
from linfen_admin.models import AuditEvent

D = datetime.date
CASES = "/api/v1/approvals/cases/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("due_on", "2030-01-01"),
        ("status", "approved"),
        ("statutory_due_on", "2030-01-01"),
        ("decided_on", "2022-10-01"),
    ],
)
def test_api_refuses_a_cases_derived_fields(api, users, items, field, value):
    body = {
        "item": 5,
        "region": "尧都区",
        "applicant_name": "甲",
        "applicant_credit_code": "",
        "accepted_on": "2022-09-26",
        field: value,
    }
    response = api.as_user(users["yaodu_approval"]).post(CASES, body, format="json")
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


@pytest.mark.django_db
def test_admin_corrects_a_licence_holder_through_the_service(client, users, items, regions):
    entity = services.entity_create(
        actor=users["admin"],
        item=items[5],
        region=regions["尧都区"],
        name="农资店",
        licensed_on=D(2022, 8, 1),
    )
    client.force_login(users["admin"])
    url = reverse("admin:approvals_licensedentity_change", args=[entity.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    assert {"item", "region", "department"}.isdisjoint(form.fields)  # follow the licence: read-only
    data = {name: form[name].value() for name in form.fields}
    data.update(name="农资店(更名)", credit_level="C", active="on", licensed_on="2022-08-01")
    data = {key: value for key, value in data.items() if value is not None}
    assert client.post(url, data).status_code == 302
    entity.refresh_from_db()
    assert (entity.name, entity.credit_level) == ("农资店(更名)", "C")
    assert AuditEvent.objects.for_object(entity).filter(action="update", actor=users["admin"]).exists()


@pytest.mark.django_db
def test_reference_services_check_their_actor(users, items, regions):
    entity = services.entity_create(
        actor=users["admin"], item=items[5], region=regions["尧都区"], name="店", licensed_on=D(2022, 8, 1)
    )
    with pytest.raises(PermissionDenied):
        services.entity_update(actor=users["hongdong_approval"], entity=entity, name="改")
    with pytest.raises(PermissionDenied):
        services.risk_level_save(
            actor=users["city_approval"], level=RiskLevel(code="x", name="x", ratio="0.1")
        )
    listing = services.blacklist_add(
        actor=users["admin"], entity=entity, reason="虚假宣传", listed_on=D(2022, 9, 1)
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.blacklist_update(
            actor=users["admin"], listing=listing, reason="虚假宣传", lifted_on=D(2022, 8, 1)
        )
    services.blacklist_update(
        actor=users["admin"], listing=listing, reason="虚假宣传", lifted_on=D(2022, 10, 1)
    )
    assert CreditBlacklist.objects.get().lifted_on == D(2022, 10, 1)
    checklist = HandoverChecklist.objects.filter(department__region=regions["尧都区"]).first()
    with pytest.raises(PermissionDenied):
        services.handover_update(
            actor=users["hongdong_approval"],
            checklist=checklist,
            received_on=D(2022, 5, 1),
            staff_trained_on=None,
        )


@pytest.mark.django_db
def test_items_are_read_only_in_the_admin(client, users, items):
    client.force_login(users["admin"])
    item = Item.objects.get(number=5)
    assert client.get(reverse("admin:approvals_item_add")).status_code == 403
    page = client.get(reverse("admin:approvals_item_change", args=[item.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert LicensedEntity.objects.count() == 0
