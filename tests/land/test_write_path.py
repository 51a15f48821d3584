"""One write path: the parcel's derived and city-only fields are refused the same way in every channel — API, page
form, admin and import — because the rule lives in ``land.services`` alone. Each attack below was reproduced on the
earlier release (a county clerk set 已完成 with nothing disposed, cleared 挂牌督办, and the admin import shrank a
parcel below its disposed area)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from land import imports, services
from land.models import DisposalRecord, Parcel, TaskQuota
from linfen_admin.models import AuditEvent
from tests.land.conftest import xlsx_upload

D = Decimal
PARCELS = "/api/v1/land/parcels/"
# Every field of the API's parcel that a client reads but never writes.
DERIVED_API_FIELDS = {
    "status": "done",
    "disposed_mu": "100.000",
    "idle_fee_due": True,
    "idle_fee_wan": "1.00",
    "reclaim_due": True,
    "withdrawal_eligible": True,
    "updated_at": "2022-01-01T00:00:00+08:00",
    "id": 999,
}


def _errors(response) -> dict:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.mark.parametrize("field", sorted(DERIVED_API_FIELDS))
def test_api_patch_refuses_every_derived_field_naming_it(api, users, make_parcel, field):
    parcel = make_parcel("尧都区", area="100")
    client = api.as_user(users["yaodu_land"])
    response = client.patch(
        f"{PARCELS}{parcel.pk}/", {"version": 1, field: DERIVED_API_FIELDS[field]}, format="json"
    )
    assert response.status_code == 400
    assert field in _errors(response)
    parcel.refresh_from_db()
    assert (parcel.status, parcel.version) == ("pending", 1)


@pytest.mark.parametrize("field", sorted(DERIVED_API_FIELDS))
def test_api_create_refuses_every_derived_field(api, users, land, field):
    body = {"region": "尧都区", "kind": "unsupplied", "code": "W-1", "name": "甲", "area_mu": "10"}
    response = api.as_user(users["yaodu_land"]).post(
        PARCELS, {**body, field: DERIVED_API_FIELDS[field]}, format="json"
    )
    assert response.status_code == 400 and field in _errors(response)
    assert not Parcel.objects.exists()


@pytest.mark.parametrize("username", ["yaodu_land", "city_land"])
def test_api_supervised_follows_the_listing_and_is_set_by_no_parcel_write(api, users, make_parcel, username):
    """六(四) 挂牌督办 is a procedure of its own (``land.oversight``): the parcel's flag is read-only for everyone."""
    parcel = make_parcel("尧都区", supervised=True)
    caller = api.as_user(users[username])
    lifted = caller.patch(
        f"{PARCELS}{parcel.pk}/", {"version": parcel.version, "supervised": False}, format="json"
    )
    assert lifted.status_code == 400 and "supervised" in _errors(lifted)
    body = {"region": "尧都区", "kind": "unsupplied", "code": "W-2", "name": "乙", "area_mu": "5"}
    created = caller.post(PARCELS, {**body, "supervised": True}, format="json")
    assert created.status_code == 400 and "supervised" in _errors(created)
    parcel.refresh_from_db()
    assert parcel.supervised is True and not Parcel.objects.filter(code="W-2").exists()
    assert caller.get(f"{PARCELS}{parcel.pk}/").json()["supervised"] is True


@pytest.mark.parametrize("username", ["yaodu_land", "city_land"])
def test_page_forms_offer_neither_status_nor_supervision(client, users, make_parcel, username):
    parcel = make_parcel("尧都区", supervised=True)
    client.force_login(users[username])
    for url in (reverse("land:parcel-create"), reverse("land:parcel-edit", args=[parcel.pk])):
        form = client.get(url).context["form"]
        assert "status" not in form.fields and "supervised" not in form.fields


def test_page_post_of_status_or_supervision_by_a_clerk_changes_neither(client, users, make_parcel, land):
    parcel = make_parcel("尧都区", supervised=True)
    client.force_login(users["yaodu_land"])
    edit = {
        "region": parcel.region_id,
        "kind": "unsupplied",
        "code": parcel.code,
        "name": "改名",
        "area_mu": "100",
        "version": str(parcel.version),
        "status": "done",
        "supervised": "",
    }
    assert client.post(reverse("land:parcel-edit", args=[parcel.pk]), edit).status_code == 302
    parcel.refresh_from_db()
    assert (parcel.name, parcel.status, parcel.supervised) == ("改名", "pending", True)
    new = {**edit, "code": "W-3", "status": "done", "supervised": "on"}
    new.pop("version")
    assert client.post(reverse("land:parcel-create"), new).status_code == 302
    created = Parcel.objects.get(code="W-3")
    assert (created.status, created.supervised) == ("pending", False)


def test_service_refuses_derived_fields_and_supervision_for_every_caller(users, make_parcel):
    parcel = make_parcel("尧都区")
    for field, value in (("status", "done"), ("version", 9), ("updated_at", None), ("created_at", None)):
        with pytest.raises(ValidationError) as caught:
            services.parcel_update(actor=users["city_land"], parcel=parcel, version=1, data={field: value})
        assert field in caught.value.message_dict
    for actor in (users["yaodu_land"], users["city_land"]):
        with pytest.raises(ValidationError) as refused:
            services.parcel_update(actor=actor, parcel=parcel, version=1, data={"supervised": True})
        assert "supervised" in refused.value.message_dict
    parcel.refresh_from_db()
    assert (parcel.status, parcel.supervised, parcel.version) == ("pending", False, 1)


def test_status_follows_the_disposals_only(users, make_parcel, dispose):
    parcel = make_parcel("尧都区", area="10")
    record = dispose(parcel, "2022-05-20", "4")
    parcel.refresh_from_db()
    assert parcel.status == "in_progress"
    dispose(parcel, "2022-05-21", "6")
    parcel.refresh_from_db()
    assert parcel.status == "done"
    services.disposal_revoke(actor=users["city_land"], disposal=record, reason="录错")
    parcel.refresh_from_db()
    assert parcel.status == "in_progress"


PARCEL_HEADER = ["县(市、区)", "类型", "宗地编号", "项目名称", "面积(亩)", "挂牌督办", "处置状态"]


@pytest.mark.parametrize("username", ["yaodu_land", "city_land"])
def test_import_may_carry_but_not_change_supervision(users, make_parcel, username):
    make_parcel("尧都区", code="S-1", supervised=True)
    unchanged = [PARCEL_HEADER, ["尧都区", "批而未供", "S-1", "名称改了", "100", "是", "待处置"]]
    result = imports.parcel_import(actor=users[username], upload=xlsx_upload(unchanged), dry_run=False)
    assert result.updated == 1
    lifting = [PARCEL_HEADER, ["尧都区", "批而未供", "S-1", "名称改了", "100", "否", "待处置"]]
    with pytest.raises(imports.SheetInvalid) as caught:
        imports.parcel_import(actor=users[username], upload=xlsx_upload(lifting), dry_run=False)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "挂牌督办")]
    new_supervised = [PARCEL_HEADER, ["尧都区", "批而未供", "S-2", "新", "5", "是", ""]]
    with pytest.raises(imports.SheetInvalid):
        imports.parcel_import(actor=users[username], upload=xlsx_upload(new_supervised), dry_run=False)
    assert Parcel.objects.get(code="S-1").supervised and not Parcel.objects.filter(code="S-2").exists()


def test_import_never_sets_the_status(users, make_parcel):
    make_parcel("尧都区", code="S-3")
    rows = [PARCEL_HEADER, ["尧都区", "批而未供", "S-3", "改", "100", "否", "已完成"]]
    imports.parcel_import(actor=users["city_land"], upload=xlsx_upload(rows), dry_run=False)
    assert Parcel.objects.get(code="S-3").status == "pending"


def test_import_cannot_shrink_a_parcel_below_what_is_disposed(users, make_parcel, dispose):
    parcel = make_parcel("尧都区", code="S-4", area="40")
    dispose(parcel, "2022-05-20", "30")
    rows = [PARCEL_HEADER[:5], ["尧都区", "批而未供", "S-4", "名", "0.5"]]
    with pytest.raises(imports.SheetInvalid) as caught:
        imports.parcel_import(actor=users["city_land"], upload=xlsx_upload(rows), dry_run=False)
    assert "已处置面积" in caught.value.errors[0].message
    parcel.refresh_from_db()
    assert parcel.area_mu == D("40")


def test_permission_checks_live_in_the_services(users, make_parcel, land):
    """A role without the permission is refused by the service itself, whoever calls it (command, task, view)."""
    parcel = make_parcel("尧都区")
    leader = users["leader"]
    with pytest.raises(PermissionDenied):
        services.disposal_record(
            actor=leader,
            parcel=parcel,
            disposed_on=datetime.date(2022, 5, 1),
            area_mu=D("1"),
            method="accelerate",
        )
    with pytest.raises(PermissionDenied):
        services.parcel_update(actor=leader, parcel=parcel, version=1, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        services.parcel_create(
            actor=leader,
            data={"region": parcel.region, "kind": "unsupplied", "code": "L", "name": "x", "area_mu": D("1")},
        )
    quota_sheet = xlsx_upload(
        [["县(市、区)", "批而未供土地消化任务", "闲置土地处置任务"], ["尧都区", "1", "1"]]
    )
    with pytest.raises(PermissionDenied):
        imports.quota_import(actor=users["yaodu_land"], campaign=land, upload=quota_sheet, dry_run=False)
    with pytest.raises(PermissionDenied):
        services.quota_save(
            actor=users["yaodu_land"], quota=TaskQuota.objects.get(campaign=land, region=parcel.region)
        )
    other = make_parcel("洪洞县")
    with pytest.raises(PermissionDenied):
        services.disposal_record(
            actor=users["yaodu_land"],
            parcel=other,
            disposed_on=datetime.date(2022, 5, 1),
            area_mu=D("1"),
            method="accelerate",
        )
    assert not DisposalRecord.objects.exists()


def test_services_need_a_real_actor(users, make_parcel):
    from linfen_admin import audit
    from linfen_admin.accounts import system_user

    parcel = make_parcel("尧都区")
    with pytest.raises(PermissionDenied):
        services.parcel_update(actor=None, parcel=parcel, version=1, data={"name": "x"})
    with pytest.raises(ValueError):
        audit.record_created(actor=None, obj=parcel)
    system = system_user()
    assert not system.has_usable_password() and not system.is_staff
    services.parcel_update(actor=system, parcel=parcel, version=1, data={"name": "定时任务改"})
    assert AuditEvent.objects.for_object(parcel).first().actor_name == "系统(定时任务)"


def test_a_row_cannot_be_moved_into_a_region_outside_the_actors_scope(users, land):
    """The generic audited save checks the region a row moves to, not only the one it is in."""
    from django.contrib.auth.models import Permission

    from linfen_admin.models import Region, User

    clerk = users["yaodu_land"]
    clerk.user_permissions.add(Permission.objects.get(codename="change_taskquota"))
    clerk = User.objects.get(pk=clerk.pk)  # fresh permission cache
    quota = TaskQuota.objects.get(campaign=land, region__name="尧都区")
    quota.region = Region.objects.get(name="洪洞县")
    with pytest.raises(PermissionDenied):
        services.quota_save(actor=clerk, quota=quota)
    assert TaskQuota.objects.get(pk=quota.pk).region.name == "尧都区"
