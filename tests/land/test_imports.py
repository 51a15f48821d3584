"""Quota and parcel sheet imports through the API: layout tolerance, every error reported, all-or-nothing,
idempotence, bulk audit, upload checks and scoping."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from land.models import Parcel, TaskQuota
from linfen_admin.models import AuditEvent

from .conftest import csv_upload, fixture_upload, xlsx_upload

D = Decimal
URL = "/api/v1/land/quotas/import/?year=2022&dry_run=false"
PARCEL_URL = "/api/v1/land/parcels/import/?dry_run=false"
HEADER = ["县(市、区)", "批而未供土地消化任务", "闲置土地处置任务"]


@pytest.fixture
def empty_campaign(land):
    TaskQuota.objects.all().delete()
    return land


def post(api, user, url, upload):
    return api.as_user(user).post(url, {"file": upload}, format="multipart")


@pytest.mark.parametrize("name", ["land_quota_2022_sample.xlsx", "land_quota_2022_sample.csv"])
def test_sample_sheet_imports_the_whole_table_and_twice_changes_nothing(api, users, empty_campaign, name):
    response = post(api, users["city_land"], URL, fixture_upload(name))
    assert response.status_code == 200, response.json()
    assert response.json() == {"rows": 19, "created": 19, "updated": 0}
    quotas = TaskQuota.objects.filter(campaign=empty_campaign)
    assert sum(q.unsupplied_mu for q in quotas) == D("5147.330")
    assert sum(q.idle_mu for q in quotas) == D("383.528")
    assert quotas.get(region__name="曲沃县").idle_mu == D("20.238")  # not 20.237999… from a float
    assert quotas.get(region__name="古县").unsupplied_mu == D("3.600")  # padded "古　 县"
    assert quotas.get(region__name="尧都区").unsupplied_mu == D("1289.350")  # "1,289.35"
    assert quotas.get(region__name="襄汾县").idle_mu == D("0")  # blank = 0
    audits = AuditEvent.objects.filter(action="import").count()
    assert audits == 19

    again = post(api, users["city_land"], URL, fixture_upload(name))
    assert again.json() == {"rows": 19, "created": 0, "updated": 0}
    assert AuditEvent.objects.filter(action="import").count() == audits


def test_seeded_quotas_equal_the_sample_sheet(api, users, land):
    response = post(api, users["city_land"], URL, fixture_upload("land_quota_2022_sample.xlsx"))
    assert response.json() == {"rows": 19, "created": 0, "updated": 0}


def test_dry_run_writes_nothing(api, users, empty_campaign):
    response = post(
        api, users["city_land"], URL.replace("false", "true"), fixture_upload("land_quota_2022_sample.csv")
    )
    assert response.json() == {"rows": 19, "created": 19, "updated": 0}
    assert not TaskQuota.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_update_counts_only_changed_rows_and_audits_them(api, users, land):
    rows = [["标题"], HEADER, ["尧都区", "1300", "210.03"], ["洪洞县", "295.65", "15.71"]]
    response = post(api, users["city_land"], URL, csv_upload(rows))
    assert response.json() == {"rows": 2, "created": 0, "updated": 1}
    event = AuditEvent.objects.get(action="import")
    assert event.changes["unsupplied_mu"] == ["1289.350", "1300.000"]
    assert event.actor == users["city_land"]


def test_every_bad_row_is_reported_and_nothing_is_written(api, users, empty_campaign):
    rows = [
        ["临汾市 2022 年度任务分解表"],
        ["单位:亩"],
        HEADER,  # rows 1–3
        ["尧都区", "1289.35", "210.03"],  # 4 fine
        ["尧都县", "10", ""],  # 5 unknown region
        ["洪洞县", "-5", "1"],  # 6 negative
        ["曲沃县", "abc", "20.238"],  # 7 not a number
        ["尧都区", "1", "1"],  # 8 duplicate
        ["翼城县", "1.2345", ""],  # 9 too many decimals
    ]
    response = post(api, users["city_land"], URL, xlsx_upload(rows))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    errors = {(e["row"], e["column"]) for e in body["errors"]}
    assert errors == {
        (5, "县(市、区)"),
        (6, "批而未供土地消化任务"),
        (7, "批而未供土地消化任务"),
        (8, "县(市、区)"),
        (9, "批而未供土地消化任务"),
    }
    messages = " ".join(e["message"] for e in body["errors"])
    for words in ("未知的县(市、区)", "不能为负数", "不是有效的数字", "重复", "小数"):
        assert words in messages
    assert not TaskQuota.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_total_row_must_agree_and_is_not_imported(api, users, empty_campaign):
    rows = [HEADER, ["尧都区", "100", "10"], ["洪洞县", "50.5", ""], ["总　 计", "150.5", "11"]]
    response = post(api, users["city_land"], URL, csv_upload(rows))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 4, "column": "闲置土地处置任务", "message": "总计 11.000 与上方各行之和 10.000 不符"}
    ]
    assert not TaskQuota.objects.exists()
    rows[-1][2] = "10"
    assert post(api, users["city_land"], URL, csv_upload(rows)).json() == {
        "rows": 2,
        "created": 2,
        "updated": 0,
    }


def test_gbk_csv_and_thousands_separators(api, users, empty_campaign):
    rows = [HEADER, ["尧都区", " 1，289. 35 ", "2 10.03"]]
    response = post(api, users["city_land"], URL, csv_upload(rows, encoding="gb18030"))
    assert response.status_code == 200, response.json()
    quota = TaskQuota.objects.get()
    assert (quota.unsupplied_mu, quota.idle_mu) == (D("1289.350"), D("210.030"))


def test_missing_header_row_is_reported(api, users, land):
    response = post(api, users["city_land"], URL, csv_upload([["名称", "面积"], ["尧都区", "1"]]))
    assert response.status_code == 400
    assert "未找到表头行" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("quota.txt", b"a,b"), "只接受"),
        (SimpleUploadedFile("quota.xlsx", "县(市、区),批而未供土地消化任务\n".encode()), "扩展名与内容不符"),
        (SimpleUploadedFile("quota.csv", b"PK\x03\x04binary\x00\x00"), "扩展名与内容不符"),
    ],
)
def test_uploads_are_checked(api, users, land, upload, message):
    response = post(api, users["city_land"], URL, upload)
    assert response.status_code == 400
    assert message in str(response.json())


def test_upload_size_limit(api, users, land, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = post(api, users["city_land"], URL, fixture_upload("land_quota_2022_sample.csv"))
    assert response.status_code == 400
    assert "文件过大" in str(response.json())


@pytest.mark.parametrize("who", ["yaodu_land", "leader"])
def test_only_the_city_bureau_imports_quotas(api, users, land, who):
    response = post(api, users[who], URL, fixture_upload("land_quota_2022_sample.csv"))
    assert response.status_code == 403


PARCEL_HEADER = [
    "县(市、区)",
    "类型",
    "宗地编号",
    "项目名称",
    "面积(亩)",
    "批准时间",
    "约定开工时间",
    "未开工原因",
    "价款(万元)",
    "挂牌督办",
]


def test_parcel_list_import_creates_then_updates_then_nothing(api, users, land):
    rows = [
        ["2022 年宗地清单"],
        PARCEL_HEADER,
        ["尧都区", "批而未供", "P-1", "地块一", "12.5", "2018-05-02", "", "", "", "否"],
        ["尧都区", "闲置土地", "P-2", "地块二", "3. 25", "", "2019/6/1", "企业自身原因", "1,200.50", "否"],
    ]
    response = post(api, users["city_land"], PARCEL_URL, xlsx_upload(rows))
    assert response.json() == {"rows": 2, "created": 2, "updated": 0}
    idle = Parcel.objects.get(code="P-2")
    assert (idle.area_mu, idle.cause, idle.land_price_wan, idle.supervised) == (
        D("3.250"),
        "enterprise",
        D("1200.50"),
        False,  # the column is carried (an export read back); 挂牌督办 itself is a listing (land.oversight)
    )
    assert AuditEvent.objects.filter(action="import").count() == 2
    assert post(api, users["yaodu_land"], PARCEL_URL, xlsx_upload(rows)).json() == {
        "rows": 2,
        "created": 0,
        "updated": 0,
    }
    rows[2][4] = "13"
    assert post(api, users["yaodu_land"], PARCEL_URL, xlsx_upload(rows)).json() == {
        "rows": 2,
        "created": 0,
        "updated": 1,
    }
    parcel = Parcel.objects.get(code="P-1")
    assert (parcel.area_mu, parcel.version) == (D("13.000"), 2)
    assert AuditEvent.objects.filter(action="import").count() == 3


def test_parcel_import_errors_and_scoping(api, users, land):
    rows = [
        PARCEL_HEADER,
        ["洪洞县", "批而未供", "P-1", "别县地块", "1", "", "", "", "", ""],  # another county
        ["尧都区", "荒地", "P-2", "地块", "1", "", "", "", "", ""],  # unknown kind
        ["尧都区", "批而未供", "P-3", "地块", "0", "", "", "", "", ""],  # zero area
        ["尧都区", "批而未供", "P-4", "地块", "1", "2018-02-30", "", "", "", ""],  # bad date
        ["尧都区", "批而未供", "P-5", "地块", "1", "", "", "企业自身原因", "", ""],
    ]  # cause on unsupplied land
    response = post(api, users["yaodu_land"], PARCEL_URL, csv_upload(rows))
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(2, "县(市、区)"), (3, "类型"), (4, "面积(亩)"), (5, "批准时间"), (6, "未开工原因")}
    assert not Parcel.objects.exists()


def test_parcel_import_needs_the_change_permission_too(api, users, land):
    """A sheet both adds and changes parcels: a user allowed only to add is refused before anything is read."""
    from django.contrib.auth.models import Permission

    clerk = users["yaodu_land"]
    clerk.groups.clear()
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_parcel", "add_parcel"]))
    rows = [PARCEL_HEADER, ["尧都区", "批而未供", "P-9", "地块九", "1", "", "", "", "", ""]]
    response = post(api, users["yaodu_land"], PARCEL_URL, xlsx_upload(rows))
    assert response.status_code == 403
    assert not Parcel.objects.filter(code="P-9").exists()


def test_an_import_does_not_change_the_kind_of_a_parcel_with_records(api, users, land, dispose):
    rows = [PARCEL_HEADER, ["尧都区", "批而未供", "P-1", "地块一", "12.5", "2018-05-02", "", "", "", "否"]]
    assert post(api, users["city_land"], PARCEL_URL, xlsx_upload(rows)).json()["created"] == 1
    dispose(Parcel.objects.get(code="P-1"), "2022-05-01", "2")
    rows[1][1] = "闲置土地"
    response = post(api, users["city_land"], PARCEL_URL, xlsx_upload(rows))
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "类型")]
    assert Parcel.objects.get(code="P-1").kind == "unsupplied"


def test_existing_parcels_are_found_across_lookup_batches_and_exceptions_honoured(
    api, users, land, monkeypatch
):
    """The parcels a sheet names are looked up in bounded batches (SQLite refuses a statement of more than 32,766
    parameters; a sheet may hold 100,000 rows), and a row outside 清理范围 passes only where the city recorded an
    exception on that very parcel — one query for the whole sheet, not one per row."""
    from land import imports

    monkeypatch.setattr(imports, "EXISTING_BATCH", 2)
    rows = [PARCEL_HEADER] + [
        ["尧都区", "批而未供", f"B-{n}", f"地块{n}", "1", "2018-05-02", "", "", "", "否"] for n in range(5)
    ]
    assert post(api, users["city_land"], PARCEL_URL, xlsx_upload(rows)).json()["created"] == 5
    Parcel.objects.filter(code="B-3").update(scope_exception=True, scope_exception_reason="市局记录的例外")
    for row in rows[1:]:
        row[4] = "2"
    rows[4][5] = "2008-05-02"  # B-3: outside the years, with an exception
    assert post(api, users["city_land"], PARCEL_URL, xlsx_upload(rows)).json() == {
        "rows": 5,
        "created": 0,
        "updated": 5,
    }
    assert Parcel.objects.filter(code__startswith="B-").count() == 5
    rows[2][5] = "2008-05-02"  # B-1: outside the years, no exception
    response = post(api, users["city_land"], PARCEL_URL, xlsx_upload(rows))
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "批准时间")]


def test_each_imported_parcel_has_the_audit_row_record_many_would_write(api, users, land):
    """New parcels are inserted without a model instance per row; their audit rows still name the person, the
    parcel, its county and every stored value, as for any other channel."""
    from linfen_admin import audit

    rows = [
        PARCEL_HEADER,
        ["尧都区", "批而未供", "AUD-1", "城东地块", "12.500", "2019-03-01", "", "", "", ""],
        ["尧都区", "闲置土地", "AUD-2", "西关地块", "3.250", "", "", "企业自身原因", "", ""],
    ]
    assert post(api, users["yaodu_land"], PARCEL_URL, xlsx_upload(rows)).status_code == 200
    for parcel in Parcel.objects.filter(code__startswith="AUD-"):
        event = AuditEvent.objects.get(object_id=str(parcel.pk), action="import")
        assert event.actor == users["yaodu_land"] and event.actor_name == users["yaodu_land"].display_name
        assert (event.object_repr, event.region_id, event.comment) == (
            str(parcel),
            parcel.region_id,
            "导入宗地清单",
        )
        assert event.content_type.model_class() is Parcel
        stored = {key: value for key, value in audit.snapshot(parcel).items() if value is not None}
        assert set(event.changes) == set(stored)
        for key, (before, after) in event.changes.items():
            field = Parcel._meta.get_field(key)
            same = (
                Decimal(after) == Decimal(stored[key])
                if field.get_internal_type() == "DecimalField"
                else after == stored[key]
            )
            assert before is None and same, (key, after, stored[key])
