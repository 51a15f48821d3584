"""Issue 15 on the land pages: forms that guide, bad parameters as form errors, the dashboard's totals and ranks,
the disposal timeline, sortable ledger, import templates and 确认导入 without a second upload."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from land import staging
from land.models import Parcel, TaskQuota

D = Decimal


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


# --- 1. the parcel form ---------------------------------------------------------------------------------------


def test_refused_create_shows_the_summary_and_the_error_beside_the_field_with_input_kept(
    login, users, land, region
):
    client = login(users["yaodu_land"])
    response = client.post(
        reverse("land:parcel-create"),
        {
            "region": region("尧都区").pk,
            "kind": "idle",
            "code": "KEEP-1",
            "name": "保留的名称",
            "area_mu": "abc",
            "location": "屯里镇",
            "agreed_start_on": "2020-03-10",
        },
    )
    page = response.content.decode()
    assert not Parcel.objects.exists()
    assert "data-error-summary" in page and "有 1 处需要修改" in page
    assert re.search(r'<div class="field has-error required">\s*<label for="id_area_mu"', page)
    assert 'aria-invalid="true"' in page and 'id="id_area_mu_error"' in page
    assert 'value="KEEP-1"' in page and 'value="保留的名称"' in page and 'value="屯里镇"' in page
    assert 'value="2020-03-10"' in page


def test_kind_specific_fields_and_groups_carry_show_when(login, users, land):
    page = login(users["yaodu_land"]).get(reverse("land:parcel-create")).content.decode()
    for legend in ("基本信息", "批准与征收", "供地与开工", "闲置原因与处置", "位置与界址", "备注"):
        assert f"<legend>{legend}</legend>" in page
    assert 'class="form-columns"' in page

    def wrapper(name):
        return re.search(rf'<div class="field[^"]*"([^>]*)>\s*<label for="id_{name}"', page).group(1)

    for name in ("expropriation_status", "unsupplied_reason", "disposal_path"):
        assert 'data-show-when="kind=unsupplied"' in wrapper(name), name
    for name in ("approval_no", "approved_on", "approved_by"):  # 五(一)3: idle land was approved too
        assert "data-show-when" not in wrapper(name), name
    for name in (
        "supply_method",
        "supplied_on",
        "land_price_wan",
        "agreed_start_on",
        "cause",
        "idle_disposal",
    ):
        assert 'data-show-when="kind=idle"' in wrapper(name), name
    for name in ("code", "name", "area_mu", "location", "note"):
        assert "data-show-when" not in wrapper(name), name
    assert "---------" not in page and "请选择" in page


def test_a_hidden_field_of_the_other_kind_keeps_its_value_on_edit(login, users, make_parcel):
    parcel = make_parcel("尧都区", "unsupplied", expropriation_status="done", disposal_path="accelerate")
    client = login(users["yaodu_land"])
    # the browser disables (does not post) the idle fields; the unsupplied ones are posted
    response = client.post(
        reverse("land:parcel-edit", args=[parcel.pk]),
        {
            "region": parcel.region_id,
            "kind": "idle",
            "code": parcel.code,
            "name": "改为闲置",
            "area_mu": "100",
            "version": parcel.version,
        },
    )
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert (parcel.kind, parcel.disposal_path, parcel.expropriation_status) == ("idle", "", "done")


def test_disposal_form_says_please_choose(login, users, make_parcel):
    parcel = make_parcel("尧都区", area="10")
    page = login(users["yaodu_land"]).get(reverse("land:parcel-detail", args=[parcel.pk])).content.decode()
    assert '<option value="" selected>请选择</option>' in page and "---------" not in page


# --- 5. bad parameters are form errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["land:parcel-list", "land:map", "land:dashboard"])
def test_a_bad_date_is_an_error_beside_the_field(login, users, land, page):
    response = login(users["city_land"]).get(reverse(page) + "?as_of=2022-13-45")
    body = response.content.decode()
    assert response.status_code == 400
    assert "日期格式应为 YYYY-MM-DD。" in body and 'id="id_as_of_error"' in body
    assert 'value="2022-13-45"' in body  # the input is kept


def test_a_bad_year_on_the_dashboard_falls_back_to_the_current_campaign(login, users, land):
    response = login(users["leader"]).get(reverse("land:dashboard") + "?year=abc&as_of=2022-07-01")
    body = response.content.decode()
    assert response.status_code == 400
    assert "没有该年度的专项行动" in body and 'id="id_year_error"' in body
    assert "2022 年度“批而未用”土地清理进度(截至 2022-07-01)" in body
    assert "尧都区" in body


def test_a_bad_date_on_a_parcel_renders_the_parcel(login, users, make_parcel):
    parcel = make_parcel("尧都区", code="BAD-DATE")
    response = login(users["yaodu_land"]).get(reverse("land:parcel-detail", args=[parcel.pk]) + "?as_of=x")
    assert response.status_code == 400
    assert (
        "BAD-DATE" in response.content.decode() and "日期格式应为 YYYY-MM-DD。" in response.content.decode()
    )


@pytest.mark.parametrize(
    "url",
    [
        "land:parcel-export",
        "land:parcel-export-geojson",
        "land:notice-export",
    ],
)
def test_files_answer_400_not_404_for_a_bad_parameter(login, users, land, url):
    client = login(users["city_land"])
    assert client.get(reverse(url) + "?as_of=2022-13-45").status_code == 400
    if url == "land:notice-export":
        assert client.get(reverse(url) + "?year=abc").status_code == 400
        assert client.get(reverse(url) + "?year=1999").status_code == 400


# --- 4. the dashboard ----------------------------------------------------------------------------------------------


def test_a_county_clerk_sees_the_city_totals_and_their_rank_out_of_the_ranked(
    login, users, land, make_parcel, dispose
):
    dispose(make_parcel("洪洞县", area="400"), "2022-06-30", "100")
    page = login(users["hongdong_land"]).get(reverse("land:dashboard") + "?as_of=2022-07-01").content.decode()
    ranked = TaskQuota.objects.filter(campaign=land).exclude(unsupplied_mu=0, idle_mu=0).count()
    assert f"1 / {ranked}" in page
    assert "5,147.330" in page and "383.528" in page  # the city's quotas, not only 洪洞县's
    assert "尧都区" not in page  # other regions' rows (and names) stay out of sight
    assert "排名依据:综合完成率" in page


def test_percentages_are_truncated_never_rounded_up(login, users, land, make_parcel, dispose):
    quota = TaskQuota.objects.get(campaign=land, region__name="古县")
    quota.unsupplied_mu, quota.idle_mu = D("100"), D("0")
    quota.save()
    dispose(make_parcel("古县", area="100"), "2022-06-30", "79.998")
    page = login(users["leader"]).get(reverse("land:dashboard") + "?as_of=2022-10-01").content.decode()
    assert "79.99 %" in page and "80.00 %" not in page


def test_the_progress_table_is_compact(login, users, land):
    page = login(users["leader"]).get(reverse("land:dashboard")).content.decode()
    assert 'class="grid bars progress-table"' in page and "land/land.css" in page


# --- 3. the disposal timeline ------------------------------------------------------------------------------------


def test_the_timeline_is_in_date_order_with_running_totals_and_revoked_records(
    login, users, make_parcel, dispose
):
    from land import services

    parcel = make_parcel("尧都区", area="200")
    dispose(parcel, "2022-08-01", "50")
    wrong = dispose(parcel, "2022-07-01", "30")
    dispose(parcel, "2022-06-01", "20")
    services.disposal_revoke(actor=users["city_land"], disposal=wrong, reason="面积填错")
    client = login(users["yaodu_land"])
    page = client.get(reverse("land:parcel-detail", args=[parcel.pk])).content.decode()
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    assert timeline.index("2022-06-01") < timeline.index("2022-07-01") < timeline.index("2022-08-01")
    assert "累计 20.000 亩,占宗地 10.00 %" in timeline
    assert "累计 70.000 亩,占宗地 35.00 %" in timeline  # the revoked 30 亩 does not count
    revoked = timeline[timeline.index("2022-07-01") : timeline.index("2022-08-01")]
    assert "已撤销" in revoked and "面积填错" in revoked and "30.000" in revoked
    assert users["city_land"].display_name in timeline


def test_the_timeline_query_count_does_not_grow(
    login, users, make_parcel, dispose, django_assert_max_num_queries
):
    from land import services

    parcel = make_parcel("尧都区", area="500")
    client = login(users["yaodu_land"])
    url = reverse("land:parcel-detail", args=[parcel.pk])
    dispose(parcel, "2022-06-01", "1")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for day in range(2, 12):
        record = dispose(parcel, f"2022-06-{day:02d}", "1")
    services.disposal_revoke(actor=users["city_land"], disposal=record, reason="错")
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the recorders of revoked records
        assert client.get(url).status_code == 200


# --- 6. the ledger ----------------------------------------------------------------------------------------------


def test_the_ledger_has_sortable_headers_a_count_and_an_export_keeping_the_filters(login, users, make_parcel):
    make_parcel("尧都区", area="1234.5", code="SORT-1")
    page = login(users["yaodu_land"]).get(reverse("land:parcel-list") + "?kind=unsupplied").content.decode()
    assert 'href="?kind=unsupplied&amp;ordering=area_mu"' in page
    assert "共 1 条" in page
    assert reverse("land:parcel-export") + "?kind=unsupplied" in page
    assert "1,234.500" in page
    assert 'data-label="面积(亩)"' in page  # the phone's cards label each value
    ordered = (
        login(users["yaodu_land"]).get(reverse("land:parcel-list") + "?ordering=-area_mu").content.decode()
    )
    assert 'aria-sort="descending"' in ordered


def test_a_search_matching_more_than_the_cap_says_so_and_lists_the_first_rows(
    login, users, make_parcel, monkeypatch
):
    from land import filtersets

    monkeypatch.setattr(filtersets, "SEARCH_COUNT_AT_MOST", 2)
    for n in range(3):
        make_parcel("尧都区", code=f"CAP-{n}", name=f"城东地块{n}")
    client = login(users["yaodu_land"])
    page = client.get(reverse("land:parcel-list") + "?q=城东").content.decode()
    assert "超过 2 条,列出前 2 条" in page and "共 3 条" not in page
    assert page.count('class="code"') == 2
    narrower = client.get(reverse("land:parcel-list") + "?q=城东地块1").content.decode()
    assert "共 1 条" in narrower and "列出前" not in narrower
    whole = client.get(reverse("land:parcel-list") + "?kind=unsupplied").content.decode()
    assert "列出前" not in whole  # a filter is counted to its end: only a search is a lookup


# --- 2. imports -------------------------------------------------------------------------------------------------


def _download(client, kind):
    response = client.get(reverse("land:import-template") + f"?kind={kind}")
    assert response.status_code == 200
    return response.content


def test_quota_template_round_trip(login, users, land):
    client = login(users["city_land"])
    content = _download(client, "quota")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["任务分解表", "填表说明"]
    assert [c.value for c in workbook["任务分解表"][1]] == [
        "县(市、区)",
        "批而未供土地消化任务(亩)",
        "闲置土地处置任务(亩)",
    ]
    notes = [[c.value for c in row] for row in workbook["填表说明"].iter_rows()]
    assert notes[0] == ["列", "是否必填", "格式", "可选值", "说明"] and notes[1][1] == "必填"
    TaskQuota.objects.filter(region__name="尧都区").delete()
    response = client.post(
        reverse("land:import"),
        {"kind": "quota", "campaign": "2022", "file": SimpleUploadedFile("q.xlsx", content)},
    )
    assert response.status_code == 200 and "共 1 行:新增 1,更新 0" in response.content.decode()
    quota = TaskQuota.objects.get(region__name="尧都区")
    assert (quota.unsupplied_mu, quota.idle_mu) == (D("684.280"), D("20.238"))


def test_parcel_template_and_boundary_sample_round_trip(login, users, land):
    client = login(users["hongdong_land"])
    content = _download(client, "parcel")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["宗地清单", "填表说明"]
    notes = {
        row[0].value: [c.value for c in row]
        for row in workbook["填表说明"].iter_rows(min_row=2)
        if row[0].value
    }
    assert notes["类型"][1] == "必填" and notes["类型"][3] == "批而未供、闲置土地"
    assert "完善开工条件" in notes["处置方式"][3] and "仅闲置土地填写" in notes["处置方式"][4]
    assert "2022-05-31" in notes["批准时间"][2] and notes["备注"][1] == "选填"
    assert (
        workbook["宗地清单"]["A2"].value == "洪洞县"
    )  # the clerk's own county: the example imports for them
    response = client.post(
        reverse("land:import"), {"kind": "parcel", "file": SimpleUploadedFile("p.xlsx", content)}
    )
    assert response.status_code == 200, response.content.decode()
    parcel = Parcel.objects.get()
    assert (parcel.region.name, parcel.kind, parcel.area_mu, parcel.disposal_path) == (
        "洪洞县",
        "unsupplied",
        D("15.000"),
        "accelerate",
    )
    sample = _download(client, "boundary")
    response = client.post(
        reverse("land:import"), {"kind": "boundary", "file": SimpleUploadedFile("b.txt", sample)}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "界址坐标已导入" in body and "相差" not in body
    parcel.refresh_from_db()
    assert parcel.boundary is not None and parcel.lat is not None


def test_the_year_is_preselected(login, users, land):
    page = login(users["city_land"]).get(reverse("land:import")).content.decode()
    assert '<option value="2022" selected>' in page
    assert 'data-show-when="kind=quota"' in page
    assert '<option value="quota" selected>' in page
    clerk = login(users["yaodu_land"]).get(reverse("land:import")).content.decode()
    assert '<option value="parcel" selected>' in clerk  # a county clerk imports parcels, not quotas


def _dry_run(client, upload, **extra):
    response = client.post(
        reverse("land:import"), {"kind": "parcel", "dry_run": "on", "file": upload, **extra}
    )
    assert response.status_code == 200, response.content.decode()
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match and "确认导入" in response.content.decode()
    return match.group(1)


def _sheet(code="CONF-1"):
    from .conftest import xlsx_upload

    return xlsx_upload(
        [
            ["县(市、区)", "类型", "宗地编号", "项目名称", "面积"],
            ["尧都区", "批而未供", code, "确认地块", "3"],
        ]
    )


def test_confirm_imports_the_same_file_once_without_a_second_upload(login, users, land, private_media):
    client = login(users["yaodu_land"])
    token = _dry_run(client, _sheet())
    assert not Parcel.objects.exists()
    folder = private_media / staging.FOLDER
    assert [p.name for p in folder.iterdir() if p.suffix == ".bin"] == [f"{token}.bin"]
    assert len(token) >= 40  # random, not guessable
    response = client.post(reverse("land:import-confirm"), {"token": token}, follow=True)
    assert response.redirect_chain == [(reverse("land:import"), 302)]
    assert "导入完成:共 1 行,新增 1,更新 0。" in response.content.decode()
    assert Parcel.objects.get().code == "CONF-1"
    assert list(folder.iterdir()) == []  # deleted after use
    assert client.post(reverse("land:import-confirm"), {"token": token}).status_code == 404  # single use


def test_another_users_token_answers_404_and_stays_usable_for_its_owner(client, users, land):
    client.force_login(users["yaodu_land"])
    token = _dry_run(client, _sheet())
    client.force_login(users["city_land"])
    assert client.post(reverse("land:import-confirm"), {"token": token}).status_code == 404
    assert client.post(reverse("land:import-confirm"), {"token": "../../etc/passwd"}).status_code == 404
    assert not Parcel.objects.exists()
    client.force_login(users["yaodu_land"])
    assert client.post(reverse("land:import-confirm"), {"token": token}).status_code == 302
    assert Parcel.objects.count() == 1


def test_an_expired_token_imports_nothing_and_is_deleted(login, users, land, private_media, monkeypatch):
    client = login(users["yaodu_land"])
    token = _dry_run(client, _sheet())
    real_now = staging._now()
    monkeypatch.setattr(staging, "_now", lambda: real_now + staging.TTL + 1)
    response = client.post(reverse("land:import-confirm"), {"token": token})
    assert response.status_code == 400 and "已过期" in response.content.decode()
    assert not Parcel.objects.exists()
    assert list((private_media / staging.FOLDER).iterdir()) == []
    assert client.post(reverse("land:import-confirm"), {"token": token}).status_code == 404


def test_expired_files_are_swept_when_another_is_staged(login, users, land, private_media, monkeypatch):
    import os

    client = login(users["yaodu_land"])
    old = _dry_run(client, _sheet("OLD"))
    folder = private_media / staging.FOLDER
    for path in folder.iterdir():
        os.utime(path, (staging._now() - staging.TTL - 5,) * 2)
    _dry_run(client, _sheet("NEW"))
    assert not any(p.name.startswith(old) for p in folder.iterdir())
    assert len(list(folder.iterdir())) == 2  # the new file and its description


def test_confirm_validates_again_through_the_import_services(login, users, land, make_parcel, dispose):
    client = login(users["yaodu_land"])
    token = _dry_run(client, _sheet("RACE-1"))
    # meanwhile the parcel appears with 5 亩 disposed of: the sheet's 3 亩 no longer passes
    dispose(make_parcel("尧都区", code="RACE-1", area="10"), "2022-06-01", "5")
    response = client.post(reverse("land:import-confirm"), {"token": token})
    assert response.status_code == 400 and "面积不能小于已处置面积" in response.content.decode()
    assert Parcel.objects.get(code="RACE-1").area_mu == D("10")


def test_each_user_has_at_most_one_staged_file(client, users, land, private_media):
    client.force_login(users["city_land"])
    other = _dry_run(client, _sheet("CITY-1"))
    client.force_login(users["yaodu_land"])
    first = _dry_run(client, _sheet("FIRST"))
    second = _dry_run(client, _sheet("SECOND"))
    names = sorted(p.name for p in (private_media / staging.FOLDER).iterdir())
    assert names == sorted(f"{t}.{ext}" for t in (other, second) for ext in ("bin", "json"))
    assert client.post(reverse("land:import-confirm"), {"token": first}).status_code == 404
    assert client.post(reverse("land:import-confirm"), {"token": second}).status_code == 302
    assert list(Parcel.objects.values_list("code", flat=True)) == ["SECOND"]


def test_a_staged_file_larger_than_the_upload_limit_is_refused(users, land, settings):
    from django.core.exceptions import ValidationError

    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        staging.stage(
            actor=users["yaodu_land"],
            kind="parcel",
            campaign_year=None,
            upload=SimpleUploadedFile("a.csv", b"x" * 11),
        )


def test_template_of_an_unknown_kind_is_404(login, users, land):
    assert login(users["city_land"]).get(reverse("land:import-template") + "?kind=nope").status_code == 404


def test_confirm_keeps_the_year_of_a_quota_sheet_and_the_kind_of_a_boundary_file(client, users, land):
    client.force_login(users["city_land"])
    TaskQuota.objects.filter(region__name="尧都区").delete()
    quota_sheet = _download(client, "quota")
    response = client.post(
        reverse("land:import"),
        {
            "kind": "quota",
            "campaign": "2022",
            "dry_run": "on",
            "file": SimpleUploadedFile("q.xlsx", quota_sheet),
        },
    )
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    assert not TaskQuota.objects.filter(region__name="尧都区").exists()
    assert client.post(reverse("land:import-confirm"), {"token": token}).status_code == 302
    assert TaskQuota.objects.get(campaign=land, region__name="尧都区").unsupplied_mu == D("684.280")

    client.post(
        reverse("land:import"),
        {"kind": "parcel", "file": SimpleUploadedFile("p.xlsx", _download(client, "parcel"))},
    )
    response = client.post(
        reverse("land:import"),
        {
            "kind": "boundary",
            "dry_run": "on",
            "file": SimpleUploadedFile("b.txt", _download(client, "boundary")),
        },
    )
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    assert Parcel.objects.get().boundary is None
    followed = client.post(reverse("land:import-confirm"), {"token": token}, follow=True)
    assert "界址坐标已导入:共 1 宗地。" in followed.content.decode()
    assert Parcel.objects.get().boundary is not None


def test_the_ledger_filters_offer_no_null_choice_and_refuse_one(login, api, users, make_parcel):
    make_parcel("尧都区", code="NULL-1")
    page = login(users["yaodu_land"]).get(reverse("land:parcel-list")).content.decode()
    assert "未填写" not in page and 'value="null"' not in page
    assert login(users["yaodu_land"]).get(reverse("land:parcel-list") + "?flag=null").status_code == 200
    response = api.as_user(users["yaodu_land"]).get("/api/v1/land/parcels/?flag=null&kind=null")
    assert response.status_code == 400


@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-06-01", "9999-12-31", "1989-12-31", "2101-01-01"])
@pytest.mark.parametrize("flag", ["withdrawal_eligible", "reclaim_due", "idle_fee_due"])
def test_far_off_dates_are_refused_in_words_not_overflowed(client, users, api, as_of, flag):
    from land.demo import load_land_demo
    from land.seed import load_land_reference

    load_land_reference()
    load_land_demo()
    answer = api.as_user(users["city_land"]).get("/api/v1/land/parcels/", {"as_of": as_of, "flag": flag})
    assert answer.status_code == 400 and "截至日期应在" in answer.content.decode()
    client.force_login(users["city_land"])
    page = client.get("/land/parcels/", {"as_of": as_of, "flag": flag})
    assert page.status_code == 400 and "截至日期应在" in page.content.decode()


def test_the_form_groups_of_one_kind_hold_only_that_kinds_fields():
    from land.forms import PARCEL_GROUPS
    from land.services import FIELDS_OF_KIND

    for _legend, names, kind in PARCEL_GROUPS:
        for name in names:
            owner = next((k for k, fields in FIELDS_OF_KIND.items() if name in fields), None)
            assert owner == kind, (name, kind)
