"""The admin's django-import-export resources: the bureau's layout, all-or-nothing, scoping, bulk audit."""

from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from land.models import Parcel, TaskQuota
from land.resources import ParcelResource, TaskQuotaResource
from linfen_admin.models import AuditEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
D = Decimal


def dataset_from(name):
    fmt = XLSX() if name.endswith(".xlsx") else CSV(encoding="utf-8-sig")
    data = (FIXTURES / name).read_bytes()
    return fmt.create_dataset(data if fmt.is_binary() else data.decode("utf-8-sig"))


@pytest.mark.parametrize("name", ["land_quota_2022_sample.xlsx", "land_quota_2022_sample.csv"])
def test_quota_resource_imports_the_bureau_layout(users, land, name):
    TaskQuota.objects.all().delete()
    resource = TaskQuotaResource(user=users["city_land"])
    result = resource.import_data(dataset_from(name), dry_run=False, user=users["city_land"])
    assert not result.has_errors() and not result.has_validation_errors()
    assert TaskQuota.objects.count() == 19
    assert sum(q.idle_mu for q in TaskQuota.objects.all()) == D("383.528")
    assert AuditEvent.objects.filter(action="import").count() == 19
    again = TaskQuotaResource(user=users["city_land"]).import_data(dataset_from(name), dry_run=False)
    assert again.totals["skip"] == 19 and again.totals["update"] == 0
    assert AuditEvent.objects.filter(action="import").count() == 19


def test_quota_resource_reports_all_errors_and_writes_nothing(users, land):
    TaskQuota.objects.all().delete()
    data = tablib.Dataset()
    for row in (["标题", "", ""], ["县(市、区)", "批而未供土地消化任务", "闲置土地处置任务"], ["尧都区", "1", ""],
                ["不存在县", "1", ""], ["洪洞县", "-1", ""], ["总计", "5", ""]):
        data.append(row)
    result = TaskQuotaResource(user=users["city_land"]).import_data(data, dry_run=False)
    assert result.has_errors()
    text = " ".join(str(e.error) for e in result.base_errors)
    assert "未知的县(市、区)" in text and "不能为负数" in text
    assert not TaskQuota.objects.exists()


def test_parcel_resource_is_scoped_to_the_clerks_region(users, land):
    data = tablib.Dataset(headers=["县(市、区)", "类型", "宗地编号", "项目名称", "面积(亩)"])
    data.append(["尧都区", "批而未供", "R-1", "甲", "5"])
    ok = ParcelResource(user=users["yaodu_land"]).import_data(data, dry_run=False)
    assert not ok.has_errors(), [e.error for e in ok.base_errors]
    assert Parcel.objects.get().code == "R-1"
    foreign = tablib.Dataset(headers=["县(市、区)", "类型", "宗地编号", "项目名称", "面积(亩)"])
    foreign.append(["洪洞县", "批而未供", "R-2", "乙", "5"])
    refused = ParcelResource(user=users["yaodu_land"]).import_data(foreign, dry_run=False)
    assert refused.has_errors()
    assert Parcel.objects.count() == 1
    data[0] = ["尧都区", "批而未供", "R-1", "甲改", "5"]
    ParcelResource(user=users["yaodu_land"]).import_data(data, dry_run=False)
    parcel = Parcel.objects.get()
    assert (parcel.name, parcel.version) == ("甲改", 2)


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
    assert client.get(reverse("admin:land_parcel_import")).status_code == 200
    assert client.get(reverse("admin:land_taskquota_import")).status_code == 403


def test_admin_import_refuses_a_disguised_file(client, users, land):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["city_land"])
    response = client.post(reverse("admin:land_taskquota_import"), {
        "resource": "0", "format": "0",
        "import_file": SimpleUploadedFile("quota.xlsx", "县(市、区),批而未供土地消化任务\n".encode())})
    assert response.status_code == 200
    assert "扩展名与内容不符" in response.content.decode()


def test_admin_import_and_confirm_writes_and_audits(client, users, land):
    import re

    TaskQuota.objects.all().delete()
    client.force_login(users["city_land"])
    with open(FIXTURES / "land_quota_2022_sample.xlsx", "rb") as handle:
        preview = client.post(reverse("admin:land_taskquota_import"), {"resource": "0", "format": "0",
                                                                       "import_file": handle})
    page = preview.content.decode()
    assert preview.status_code == 200 and not TaskQuota.objects.exists()
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"',
                             page))
    confirmed = client.post(reverse("admin:land_taskquota_process_import"), fields)
    assert confirmed.status_code == 302
    assert TaskQuota.objects.count() == 19
    assert AuditEvent.objects.filter(action="import", actor=users["city_land"]).count() == 19


def test_admin_edit_with_a_stale_version_is_refused(client, users, make_parcel):
    from land import services

    parcel = make_parcel("尧都区", name="原名")
    client.force_login(users["city_land"])
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    form_page = client.get(url).content.decode()
    assert 'name="expected_version" value="1"' in form_page
    services.parcel_update(actor=users["yaodu_land"], parcel=parcel, version=1, data={"name": "县里改的"})
    data = {"region": parcel.region_id, "kind": "unsupplied", "code": parcel.code, "name": "后台改的",
            "area_mu": "100", "status": "pending", "expected_version": "1",
            "disposals-TOTAL_FORMS": "0", "disposals-INITIAL_FORMS": "0", "disposals-MIN_NUM_FORMS": "0",
            "disposals-MAX_NUM_FORMS": "1000"}
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
        data[bound_field.html_name] = "on" if value is True else (
            value.isoformat() if hasattr(value, "isoformat") else str(value))

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
    prefix = next(k[: -len("-id")] for k, v in data.items()
                  if k.startswith("milestones-") and k.endswith("-id") and v == str(milestone.pk))
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


def test_admin_save_that_loses_the_race_after_the_form_check_is_refused_without_an_error_page(
        client, users, make_parcel, monkeypatch):
    """Two admins pass the form's version check at the same moment; the locked re-check in ``save_model``
    refuses the second with a message (was a 500)."""
    from django import forms as django_forms

    from land import admin as land_admin
    from land import services

    parcel = make_parcel("尧都区", name="原名")
    services.parcel_update(actor=users["yaodu_land"], parcel=parcel, version=1, data={"name": "县里改的"})
    # The form's own check passed before the other save landed: let it pass here too.
    monkeypatch.setattr(land_admin.ParcelAdminForm, "clean", django_forms.ModelForm.clean)
    client.force_login(users["city_land"])
    url = reverse("admin:land_parcel_change", args=[parcel.pk])
    data = {"region": parcel.region_id, "kind": "unsupplied", "code": parcel.code, "name": "后台改的",
            "area_mu": "100", "status": "pending", "expected_version": "1",
            "disposals-TOTAL_FORMS": "0", "disposals-INITIAL_FORMS": "0", "disposals-MIN_NUM_FORMS": "0",
            "disposals-MAX_NUM_FORMS": "1000"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert any("已被他人修改" in str(message) for message in response.context["messages"])
    parcel.refresh_from_db()
    assert (parcel.name, parcel.version) == ("县里改的", 2)
