"""The admin's django-import-export resources: the bureau's layout, all-or-nothing, scoping, bulk audit."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from land.models import Parcel, TaskQuota
from land.resources import ParcelResource
from linfen_admin.models import AuditEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
D = Decimal


def dataset_from(name):
    fmt = XLSX() if name.endswith(".xlsx") else CSV(encoding="utf-8-sig")
    data = (FIXTURES / name).read_bytes()
    return fmt.create_dataset(data if fmt.is_binary() else data.decode("utf-8-sig"))


def test_parcel_export_is_scoped(users, make_parcel):
    make_parcel("尧都区", code="Y-1")
    make_parcel("洪洞县", code="H-1")
    exported = ParcelResource(user=users["yaodu_land"]).export()
    assert [row[2] for row in exported] == ["Y-1"]


def test_admin_changelist_is_scoped(client, users, make_parcel):
    make_parcel("洪洞县", code="H-1")
    other = make_parcel("尧都区", code="Y-1")
    users["yaodu_land"].is_staff = True
    users["yaodu_land"].save()
    client.force_login(users["yaodu_land"])
    page = client.get(reverse("admin:land_parcel_changelist")).content.decode()
    assert "Y-1" in page and "H-1" not in page
    hongdong = Parcel.objects.get(code="H-1")
    assert client.get(reverse("admin:land_parcel_change", args=[hongdong.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:land_parcel_change", args=[other.pk])).status_code == 200


def test_admin_offers_no_spreadsheet_import(client, users):
    """Imports go through the import page and the API (one validation, one write path); the admin exports only."""
    from django.urls import NoReverseMatch

    for name in (
        "admin:land_parcel_import",
        "admin:land_taskquota_import",
        "admin:land_parcel_process_import",
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    client.force_login(users["city_land"])
    assert client.get(reverse("admin:land_parcel_export")).status_code == 200
    assert client.get("/admin/land/taskquota/import/").status_code in (302, 404)


def test_admin_edit_with_a_stale_version_is_refused(client, users, make_parcel):
    from land import services

    parcel = make_parcel("尧都区", name="原名")
    client.force_login(users["city_land"])
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    form_page = client.get(url).content.decode()
    assert 'name="expected_version" value="1"' in form_page
    services.parcel_update(actor=users["yaodu_land"], parcel=parcel, version=1, data={"name": "县里改的"})
    data = {
        "region": parcel.region_id,
        "kind": "unsupplied",
        "code": parcel.code,
        "name": "后台改的",
        "area_mu": "100",
        "expected_version": "1",
        "disposals-TOTAL_FORMS": "0",
        "disposals-INITIAL_FORMS": "0",
        "disposals-MIN_NUM_FORMS": "0",
        "disposals-MAX_NUM_FORMS": "1000",
    }
    stale = client.post(url, data)
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    parcel.refresh_from_db()
    assert parcel.name == "县里改的"
    data["expected_version"] = "2"
    assert client.post(url, data).status_code == 302
    parcel.refresh_from_db()
    assert (parcel.name, parcel.version) == ("后台改的", 3)


def _admin_post_data(response) -> dict:
    """The change form as the browser would send it back unchanged (main form and every inline)."""

    def put(data, bound_field):
        value = bound_field.value()
        if value is None or value is False:
            return
        data[bound_field.html_name] = (
            "on" if value is True else (value.isoformat() if hasattr(value, "isoformat") else str(value))
        )

    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        put(data, form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            put(data, formset.management_form[name])
        for inline_form in formset.forms:
            for name in inline_form.fields:
                put(data, inline_form[name])
    return data


def test_campaign_inline_edits_write_audit_rows(client, users, land):
    from land.models import Campaign, Milestone

    campaign = Campaign.objects.get(year=2022)
    milestone = Milestone.objects.get(campaign=campaign, percent=50)
    url = reverse("admin:land_campaign_change", args=[campaign.pk])
    client.force_login(users["admin"])
    data = _admin_post_data(client.get(url))
    prefix = next(
        k[: -len("-id")]
        for k, v in data.items()
        if k.startswith("milestones-") and k.endswith("-id") and v == str(milestone.pk)
    )
    data[f"{prefix}-percent"] = "55"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    milestone.refresh_from_db()
    assert milestone.percent == 55
    event = AuditEvent.objects.for_object(milestone).get()
    assert event.action == "update" and event.actor == users["admin"]
    assert list(event.changes) == ["percent"]
    assert [D(v) for v in event.changes["percent"]] == [D("50"), D("55")]  # before read from the database


def test_admin_cannot_shrink_a_parcel_below_its_disposed_area(client, users, make_parcel, dispose):

    parcel = make_parcel(area="100")
    dispose(parcel, "2022-05-20", "60")
    parcel.refresh_from_db()
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    client.force_login(users["admin"])
    data = _admin_post_data(client.get(url))
    data["area_mu"] = "50"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "已处置面积" in response.content.decode()
    parcel.refresh_from_db()
    assert parcel.area_mu == D("100")


def test_admin_disposal_change_keeps_area_and_parcel(client, users, make_parcel, dispose):

    from land.models import DisposalRecord

    parcel = make_parcel(area="100")
    dispose(parcel, "2022-05-20", "60")
    record = DisposalRecord.objects.get(parcel=parcel)
    url = reverse("admin:land_disposalrecord_change", args=[record.pk])
    client.force_login(users["admin"])
    data = _admin_post_data(client.get(url))
    data.update({"area_mu": "500", "note": "更正说明"})
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.area_mu == D("60") and record.note == "更正说明"


def test_admin_stale_save_keeps_the_input_and_says_why(client, users, make_parcel):
    """The version lock is the service's (``parcel_update``); the admin has no copy of it. A refused save shows
    the form again with the typed values and the reason, and changes nothing."""
    from land import services

    parcel = make_parcel("尧都区", name="原名")
    client.force_login(users["city_land"])
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    data = _admin_post_data(client.get(url))
    services.parcel_update(actor=users["yaodu_land"], parcel=parcel, version=1, data={"name": "县里改的"})
    data["name"] = "后台改的"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已被他人修改" in page and 'value="后台改的"' in page
    parcel.refresh_from_db()
    assert (parcel.name, parcel.version) == ("县里改的", 2)


def test_admin_add_goes_through_the_service(client, users, land):
    from linfen_admin.models import Region

    client.force_login(users["city_land"])
    data = {
        "region": Region.objects.get(name="尧都区").pk,
        "kind": "unsupplied",
        "code": "ADM-1",
        "name": "后台新增",
        "area_mu": "12.5",
        "supervised": "on",
        "expected_version": "",
        "disposals-TOTAL_FORMS": "0",
        "disposals-INITIAL_FORMS": "0",
        "disposals-MIN_NUM_FORMS": "0",
        "disposals-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:land_parcel_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    parcel = Parcel.objects.get(code="ADM-1")
    assert parcel.status == "pending" and not parcel.supervised  # 挂牌督办 is the listing's (land.oversight)
    event = AuditEvent.objects.for_object(parcel).get()
    assert event.action == "create" and event.actor == users["city_land"]


def test_admin_status_is_never_typed(client, users, make_parcel):
    parcel = make_parcel(area="100")
    client.force_login(users["admin"])
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    data = _admin_post_data(client.get(url))
    assert "status" not in data
    data["status"] = "done"
    assert client.post(url, data).status_code == 302
    parcel.refresh_from_db()
    assert parcel.status == "pending"


@pytest.mark.parametrize("username", ["yaodu_land", "city_land"])
def test_nobody_sets_or_lifts_supervision_in_the_parcel_admin(client, users, make_parcel, username):
    """挂牌督办 is opened and lifted through its listing (六(四)); the parcel admin shows it read-only, to a county
    clerk made staff by mistake and to the city bureau alike."""
    parcel = make_parcel("尧都区", supervised=True)
    clerk = users[username]
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    page = client.get(url)
    assert "supervised" not in page.context["adminform"].form.fields
    data = _admin_post_data(page)
    data["supervised"] = ""
    assert client.post(url, data).status_code == 302
    parcel.refresh_from_db()
    assert parcel.supervised is True


def test_admin_delete_of_a_disposed_parcel_is_refused_with_a_message(client, users, make_parcel, dispose):
    parcel = make_parcel(area="100")
    dispose(parcel, "2022-05-20", "10")
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:land_parcel_delete", args=[parcel.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert Parcel.objects.filter(pk=parcel.pk).exists()


def test_admin_quota_change_goes_through_the_service(client, users, land):
    quota = TaskQuota.objects.get(campaign=land, region__name="尧都区")
    client.force_login(users["city_land"])
    url = reverse("admin:land_taskquota_change", args=[quota.pk])
    data = _admin_post_data(client.get(url))
    data["idle_mu"] = "12.3456"
    response = client.post(url, data)
    assert response.status_code == 200  # 3 places at most: the model refuses 4, beside the field
    data["idle_mu"] = "12.345"
    assert client.post(url, data).status_code == 302
    quota.refresh_from_db()
    assert quota.idle_mu == D("12.345")
    assert AuditEvent.objects.for_object(quota).get().actor == users["city_land"]
