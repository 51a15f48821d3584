"""County clerk pages, the dashboard and the exports: scoping (404 across regions), read-only leaders,
optimistic locking on the edit form, disposal validation messages and query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from land.models import DisposalRecord, Parcel

D = Decimal


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_ledger_lists_own_region_with_filters_and_sorting(login, users, make_parcel):
    make_parcel(
        "尧都区", "idle", code="A-IDLE", name="闲置甲", cause="enterprise", agreed_start_on="2019-01-01"
    )
    make_parcel("尧都区", "unsupplied", code="B-UNS", name="批而未供乙", supervised=True)
    make_parcel("洪洞县", "unsupplied", code="C-HD", name="洪洞丙")
    client = login(users["yaodu_land"])
    page = client.get(reverse("land:parcel-list")).content.decode()
    assert "A-IDLE" in page and "B-UNS" in page and "C-HD" not in page
    assert "应无偿收回" in page and "挂牌督办" in page
    assert "C-HD" not in client.get(reverse("land:parcel-list") + "?region=洪洞县").content.decode()
    only_idle = client.get(reverse("land:parcel-list") + "?kind=idle").content.decode()
    assert "A-IDLE" in only_idle and "B-UNS" not in only_idle
    flagged = client.get(reverse("land:parcel-list") + "?flag=supervised").content.decode()
    assert "B-UNS" in flagged and "A-IDLE" not in flagged
    search = client.get(reverse("land:parcel-list") + "?q=乙").content.decode()
    assert "B-UNS" in search and "A-IDLE" not in search
    ordered = client.get(reverse("land:parcel-list") + "?ordering=-code").content.decode()
    assert ordered.index("B-UNS") < ordered.index("A-IDLE")


def test_ledger_query_count_does_not_grow_with_rows(login, users, make_parcel, django_assert_max_num_queries):
    client = login(users["city_land"])
    for _ in range(5):
        make_parcel("尧都区", "idle", cause="enterprise", agreed_start_on="2019-01-01")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("land:parcel-list")).status_code == 200
    for _ in range(40):
        make_parcel("洪洞县", "unsupplied", approved_on="2015-01-01")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("land:parcel-list"))
    assert response.content.decode().count("可申请撤回批文") >= 40


def test_dashboard_and_its_query_count(
    login, users, land, make_parcel, dispose, django_assert_max_num_queries
):
    dispose(make_parcel("尧都区", area="700"), "2022-06-30", "644.675")
    client = login(users["leader"])
    with django_assert_max_num_queries(15):  # + the out-of-scope lookup of 清理范围
        response = client.get(reverse("land:dashboard") + "?year=2022&as_of=2022-07-01")
    page = response.content.decode()
    assert response.status_code == 200
    assert "尧都区" in page and "霍州市" in page
    assert "644.675 / 1,289.350" in page
    assert (
        '<progress class="bar" max="100" value="50.00"' in page and "style=" not in page
    )  # no inline style (CSP)
    assert "5,147.330" in page


def test_the_ranking_is_paged_and_the_chart_shows_the_page(login, users, land, monkeypatch):
    """A province's thousand regions: the ranking comes a page at a time (here 5 of the 19 per page), in rank
    order, and the region chart shows the regions of that page."""
    from land import views

    monkeypatch.setattr(views, "PROGRESS_PAGE", 5)
    client = login(users["leader"])
    url = reverse("land:dashboard") + "?year=2022&as_of=2022-07-01"
    whole = client.get(url).context["progress"].regions
    by_rank = [
        r.region.name for r in sorted(whole, key=lambda r: (r.rank is None, r.rank or 0, r.region.order))
    ]
    seen = []
    for number in (1, 2, 3, 4):
        response = client.get(f"{url}&page={number}")
        rows = [r.region.name for r in response.context["ranked"]]
        assert len(rows) == (5 if number < 4 else 4)
        chart = response.context["charts"][0]
        assert sorted(chart.categories) == sorted(rows)
        seen += rows
        assert f"第 {number} / 4 页,共 19 条" in response.content.decode()
    assert seen == by_rank


def test_the_cockpit_region_chart_shows_the_regions_furthest_behind(
    users, land, make_parcel, dispose, monkeypatch
):
    from land import cockpit, selectors

    monkeypatch.setattr(cockpit, "CHART_REGIONS", 3)
    dispose(make_parcel("尧都区", area="700"), "2022-06-30", "644.675")
    progress = selectors.progress_for_campaign(selectors.campaign_for_year(2022), datetime.date(2022, 7, 1))
    chart = cockpit.region_chart(progress)
    lowest = sorted(progress.regions, key=lambda r: (r.overall_percent_exact or 0, r.region.order))[:3]
    assert set(chart.categories) == {r.region.name for r in lowest} and "尧都区" not in chart.categories
    assert chart.title == "综合完成率最低的 3 个县(市、区)与时间节点"


def test_dashboard_for_a_county_shows_its_own_row(login, users, land):
    page = login(users["hongdong_land"]).get(reverse("land:dashboard") + "?as_of=2022-07-01").content.decode()
    assert "洪洞县" in page and "尧都区" not in page


def test_quarterly_notice_xlsx(login, users, land, make_parcel, dispose):
    dispose(make_parcel("洪洞县", area="400"), "2022-09-30", "300")
    dispose(make_parcel("洪洞县", "idle", area="15.71"), "2022-09-01", "15.71")  # both kinds done by 9-30
    response = login(users["leader"]).get(reverse("land:notice-export") + "?year=2022&as_of=2022-10-01")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2022-10-01" in rows[0][0]
    assert rows[2][:5] == ("排名", "县(市、区)", "批而未供任务(亩)", "已消化(亩)", "完成率(%)")
    hongdong = next(r for r in rows[3:] if r[1] == "洪洞县")
    assert hongdong[0] == 1 and hongdong[2] == 295.65 and hongdong[3] == 300 and hongdong[4] == 101.47
    assert hongdong[9:12] == ("未完成", "已完成", "未到期")
    assert rows[2][9:12] == ("06-30 节点(50%)", "09-30 节点(80%)", "11-30 节点(100%)")
    assert rows[-1][1] == "合计" and rows[-1][2] == 5147.33
    assert len(rows) == 3 + 19 + 1
    county = login(users["yaodu_land"]).get(reverse("land:notice-export") + "?as_of=2022-10-01")
    county_rows = list(load_workbook(io.BytesIO(county.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in county_rows[3:-1]] == ["尧都区"]


def test_ledger_export_is_scoped(login, users, make_parcel):
    make_parcel("尧都区", code="YD-1")
    make_parcel("洪洞县", code="HD-1")
    response = login(users["yaodu_land"]).get(reverse("land:parcel-export"))
    codes = [
        r[2]
        for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert codes == ["YD-1"]


@pytest.mark.parametrize("name", ["land:parcel-detail", "land:parcel-edit"])
def test_another_regions_parcel_is_404(login, users, make_parcel, name):
    parcel = make_parcel("洪洞县")
    assert login(users["yaodu_land"]).get(reverse(name, args=[parcel.pk])).status_code == 404


def test_another_regions_disposal_post_is_404(login, users, make_parcel):
    parcel = make_parcel("洪洞县")
    response = login(users["yaodu_land"]).post(
        reverse("land:disposal-create", args=[parcel.pk]),
        {"disposed_on": "2022-06-01", "area_mu": "1", "method": "accelerate"},
    )
    assert response.status_code == 404
    assert not DisposalRecord.objects.exists()


def test_leader_reads_pages_but_may_not_edit(login, users, make_parcel):
    parcel = make_parcel("洪洞县")
    client = login(users["leader"])
    assert client.get(reverse("land:parcel-detail", args=[parcel.pk])).status_code == 200
    assert client.get(reverse("land:parcel-edit", args=[parcel.pk])).status_code == 403
    assert client.get(reverse("land:parcel-create")).status_code == 403


def test_detail_shows_disposals_and_audit_trail(login, users, make_parcel, dispose):
    parcel = make_parcel("尧都区", name="旧名")
    dispose(parcel, "2022-06-01", "12.5")
    page = login(users["yaodu_land"]).get(reverse("land:parcel-detail", args=[parcel.pk])).content.decode()
    assert "12.500" in page and "加快供应" in page
    assert "修改记录" in page and "新增" in page


def edit_payload(parcel, **changes):
    data = {
        "region": parcel.region_id,
        "kind": parcel.kind,
        "code": parcel.code,
        "name": parcel.name,
        "area_mu": str(parcel.area_mu),
        "status": parcel.status,
        "version": parcel.version,
    }
    data.update(changes)
    return data


def test_edit_form_saves_and_a_stale_form_is_refused(login, users, make_parcel):
    parcel = make_parcel("尧都区", name="原名")
    client = login(users["yaodu_land"])
    form_page = client.get(reverse("land:parcel-edit", args=[parcel.pk])).content.decode()
    assert 'name="version" value="1"' in form_page
    first = client.post(reverse("land:parcel-edit", args=[parcel.pk]), edit_payload(parcel, name="甲改"))
    assert first.status_code == 302
    stale = client.post(reverse("land:parcel-edit", args=[parcel.pk]), edit_payload(parcel, name="乙改"))
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode()
    parcel.refresh_from_db()
    assert (parcel.name, parcel.version) == ("甲改", 2)


def test_create_form_validation_message(login, users, land, region):
    client = login(users["yaodu_land"])
    response = client.post(
        reverse("land:parcel-create"),
        {
            "region": region("尧都区").pk,
            "kind": "unsupplied",
            "code": "N-1",
            "name": "新地块",
            "area_mu": "5",
            "status": "pending",
            "cause": "enterprise",
        },
    )
    assert response.status_code == 200
    assert "未开工原因只适用于闲置土地" in response.content.decode()
    assert not Parcel.objects.exists()
    other = client.post(
        reverse("land:parcel-create"),
        {
            "region": region("洪洞县").pk,
            "kind": "unsupplied",
            "code": "N-2",
            "name": "别县",
            "area_mu": "5",
            "status": "pending",
        },
    )
    assert other.status_code == 200 and not Parcel.objects.exists()
    ok = client.post(
        reverse("land:parcel-create"),
        {
            "region": region("尧都区").pk,
            "kind": "unsupplied",
            "code": "N-3",
            "name": "好地块",
            "area_mu": "5",
            "status": "pending",
        },
    )
    assert ok.status_code == 302
    assert Parcel.objects.get().code == "N-3"


def test_disposal_form_messages(login, users, make_parcel):
    parcel = make_parcel("尧都区", area="10")
    client = login(users["yaodu_land"])
    url = reverse("land:disposal-create", args=[parcel.pk])
    too_much = client.post(url, {"disposed_on": "2022-06-01", "area_mu": "10.5", "method": "accelerate"})
    assert too_much.status_code == 400
    assert "超过该宗地剩余未处置面积 10.000 亩" in too_much.content.decode()
    ok = client.post(url, {"disposed_on": "2022-06-01", "area_mu": "10", "method": "accelerate"})
    assert ok.status_code == 302
    assert DisposalRecord.objects.get().area_mu == D("10")


def test_import_page(login, users, land):
    from .conftest import fixture_upload

    client = login(users["city_land"])
    response = client.post(
        reverse("land:import"),
        {
            "kind": "quota",
            "campaign": "2022",
            "dry_run": "on",
            "file": fixture_upload("land_quota_2022_sample.xlsx"),
        },
    )
    assert response.status_code == 200
    assert "共 19 行" in response.content.decode()
    bad = client.post(
        reverse("land:import"),
        {"kind": "quota", "campaign": "2022", "file": fixture_upload("land_2022.json")},
    )
    assert bad.status_code == 400
    assert (
        login(users["yaodu_land"])
        .post(
            reverse("land:import"),
            {"kind": "quota", "campaign": "2022", "file": fixture_upload("land_quota_2022_sample.csv")},
        )
        .status_code
        == 403
    )


def test_menu_entries_registered(login, users, land):
    page = login(users["yaodu_land"]).get("/").content.decode()
    assert "宗地台账" in page and "清理进度" in page and "表格导入" in page


def test_ledger_region_filter_is_a_choice_for_city_users_and_absent_for_county_clerks(client, users, land):
    client.force_login(users["city_land"])
    page = client.get("/land/parcels/").content.decode()
    assert '<select name="region"' in page and '<option value="洪洞县">洪洞县</option>' in page
    client.force_login(users["yaodu_land"])
    assert 'name="region"' not in client.get("/land/parcels/").content.decode()
