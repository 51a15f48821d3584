"""The API contract of DESIGN.md: names, shapes, scoping (404 across regions), read-only leaders (403),
optimistic locking (409) and disposals."""

import datetime
from decimal import Decimal

import pytest

from land.models import DisposalRecord, Parcel
from linfen_admin.models import AuditEvent

D = Decimal
PARCELS = "/api/v1/land/parcels/"


def test_campaigns(api, users, land):
    response = api.as_user(users["yaodu_land"]).get("/api/v1/land/campaigns/")
    assert response.status_code == 200
    campaign = response.json()["results"][0]
    assert campaign["year"] == 2022
    assert campaign["milestones"] == [
        {"due_on": "2022-06-30", "percent": "50.00"},
        {"due_on": "2022-09-30", "percent": "80.00"},
        {"due_on": "2022-11-30", "percent": "100.00"},
    ]
    assert [p["name"] for p in campaign["phases"]] == ["安排部署", "清理处置", "督促检查", "总结提高"]
    assert [d["due_on"] for d in campaign["report_deadlines"]] == ["2022-05-15", "2022-12-25", "2023-01-10"]


def test_quotas_by_year_and_scope(api, users, land):
    body = api.as_user(users["leader"]).get("/api/v1/land/quotas/?year=2022").json()
    assert body["count"] == 19
    assert body["results"][0] == {
        "region": "市本级",
        "year": 2022,
        "unsupplied_mu": "684.280",
        "idle_mu": "97.560",
    }
    own = api.as_user(users["yaodu_land"]).get("/api/v1/land/quotas/?year=2022").json()
    assert [q["region"] for q in own["results"]] == ["尧都区"]
    assert api.as_user(users["yaodu_land"]).get("/api/v1/land/quotas/?year=2031").status_code == 404


def new_parcel_body(**extra):
    return {
        "region": "尧都区",
        "kind": "idle",
        "code": "1410022016A00215",
        "name": "某置业 商住项目",
        "area_mu": "64.800",
        "land_price_wan": "9850.00",
        "agreed_start_on": "2017-03-01",
        "cause": "enterprise",
        **extra,
    }


def test_create_and_read_a_parcel_with_flags(api, users, land):
    client = api.as_user(users["yaodu_land"])
    response = client.post(PARCELS, new_parcel_body(), format="json")
    assert response.status_code == 201, response.json()
    parcel_id = response.json()["id"]
    body = client.get(f"{PARCELS}{parcel_id}/?as_of=2018-03-02").json()
    for name in (
        "region",
        "kind",
        "code",
        "name",
        "area_mu",
        "disposed_mu",
        "status",
        "approved_on",
        "agreed_start_on",
        "cause",
        "land_price_wan",
        "idle_fee_due",
        "idle_fee_wan",
        "reclaim_due",
        "withdrawal_eligible",
        "version",
    ):
        assert name in body
    assert (body["region"], body["kind"], body["status"], body["version"]) == ("尧都区", "idle", "pending", 1)
    assert (body["idle_fee_due"], body["idle_fee_wan"], body["reclaim_due"]) == (True, "1970.00", False)
    assert client.get(f"{PARCELS}{parcel_id}/?as_of=2018-03-01").json()["idle_fee_due"] is False
    assert client.get(f"{PARCELS}{parcel_id}/?as_of=2019-03-02").json()["reclaim_due"] is True
    assert AuditEvent.objects.filter(action="create", object_id=str(parcel_id)).exists()


def test_county_clerk_cannot_create_in_another_region(api, users, land):
    response = api.as_user(users["yaodu_land"]).post(PARCELS, new_parcel_body(region="洪洞县"), format="json")
    assert response.status_code == 400
    assert not Parcel.objects.exists()


def test_model_validation_errors_come_back_as_400(api, users, land):
    body = new_parcel_body(kind="unsupplied")  # cause only for idle land
    response = api.as_user(users["yaodu_land"]).post(PARCELS, body, format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} >= {"cause"}


def test_scoping_across_regions(api, users, make_parcel):
    hongdong = make_parcel("洪洞县")
    yaodu = make_parcel("尧都区")
    client = api.as_user(users["yaodu_land"])
    assert [p["id"] for p in client.get(PARCELS).json()["results"]] == [yaodu.pk]
    assert client.get(f"{PARCELS}{hongdong.pk}/").status_code == 404
    assert (
        client.patch(f"{PARCELS}{hongdong.pk}/", {"name": "x", "version": 1}, format="json").status_code
        == 404
    )
    assert (
        client.post(
            f"{PARCELS}{hongdong.pk}/disposals/",
            {"disposed_on": "2022-06-01", "area_mu": "1", "method": "accelerate"},
        ).status_code
        == 404
    )
    assert not DisposalRecord.objects.exists()


def test_leader_reads_everything_and_writes_nothing(api, users, make_parcel):
    parcel = make_parcel("洪洞县")
    client = api.as_user(users["leader"])
    assert client.get(f"{PARCELS}{parcel.pk}/").status_code == 200
    assert (
        client.patch(f"{PARCELS}{parcel.pk}/", {"name": "x", "version": 1}, format="json").status_code == 403
    )
    assert client.post(PARCELS, new_parcel_body(), format="json").status_code == 403
    assert (
        client.post(
            f"{PARCELS}{parcel.pk}/disposals/",
            {"disposed_on": "2022-06-01", "area_mu": "1", "method": "accelerate"},
        ).status_code
        == 403
    )
    assert Parcel.objects.get().name == parcel.name


def test_other_roles_see_no_parcels(api, users, make_parcel):
    make_parcel()
    assert api.as_user(users["yaodu_industry"]).get(PARCELS).status_code == 403


def test_city_land_writes_any_region(api, users, make_parcel):
    parcel = make_parcel("洪洞县")
    client = api.as_user(users["city_land"])
    response = client.patch(f"{PARCELS}{parcel.pk}/", {"name": "改名", "version": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("改名", 2)


def test_stale_version_answers_409_and_changes_nothing(api, users, make_parcel):
    parcel = make_parcel("尧都区")
    clerk = api.as_user(users["yaodu_land"])
    assert (
        clerk.patch(f"{PARCELS}{parcel.pk}/", {"name": "第一次", "version": 1}, format="json").status_code
        == 200
    )
    response = clerk.patch(f"{PARCELS}{parcel.pk}/", {"name": "过期的修改", "version": 1}, format="json")
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    parcel.refresh_from_db()
    assert (parcel.name, parcel.version) == ("第一次", 2)
    assert clerk.patch(f"{PARCELS}{parcel.pk}/", {"name": "无版本"}, format="json").status_code == 400


def test_filters(api, users, make_parcel, dispose):
    make_parcel("尧都区", kind="idle")
    dispose(make_parcel("尧都区", kind="unsupplied", area="5"), "2022-05-20", "5")
    make_parcel("洪洞县", kind="unsupplied")
    client = api.as_user(users["city_land"])
    assert client.get(PARCELS + "?region=洪洞县").json()["count"] == 1
    assert client.get(PARCELS + "?region=尧都区&kind=idle").json()["count"] == 1
    assert client.get(PARCELS + "?status=done").json()["count"] == 1


def test_disposals_endpoint(api, users, make_parcel):
    parcel = make_parcel("尧都区", area="100")
    client = api.as_user(users["yaodu_land"])
    url = f"{PARCELS}{parcel.pk}/disposals/"
    response = client.post(
        url,
        {"disposed_on": "2022-06-01", "area_mu": "60", "method": "accelerate", "note": "第一批"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    too_much = client.post(
        url, {"disposed_on": "2022-06-02", "area_mu": "40.001", "method": "accelerate"}, format="json"
    )
    assert too_much.status_code == 400
    assert "超过" in str(too_much.json())
    wrong_method = client.post(
        url, {"disposed_on": "2022-06-02", "area_mu": "1", "method": "idle_fee"}, format="json"
    )
    assert wrong_method.status_code == 400
    assert (
        client.post(
            url, {"disposed_on": "2022-06-03", "area_mu": "40", "method": "accelerate"}, format="json"
        ).status_code
        == 201
    )
    body = client.get(f"{PARCELS}{parcel.pk}/").json()
    assert (body["disposed_mu"], body["status"], body["version"]) == ("100.000", "done", 3)
    assert client.get(f"{PARCELS}{parcel.pk}/?as_of=2022-06-02").json()["disposed_mu"] == "60.000"
    assert [r["area_mu"] for r in client.get(url).json()] == ["60.000", "40.000"]


def test_future_disposal_date_refused(api, users, make_parcel):
    parcel = make_parcel("尧都区")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = api.as_user(users["yaodu_land"]).post(
        f"{PARCELS}{parcel.pk}/disposals/",
        {"disposed_on": tomorrow.isoformat(), "area_mu": "1", "method": "accelerate"},
        format="json",
    )
    assert response.status_code == 400


def test_progress_shape(api, users, land):
    body = api.as_user(users["leader"]).get("/api/v1/land/progress/?year=2022&as_of=2022-07-01").json()
    assert set(body) == {"year", "as_of", "regions", "totals"}
    assert (body["year"], body["as_of"], len(body["regions"])) == (2022, "2022-07-01", 19)
    first = body["regions"][0]
    assert {
        "region",
        "unsupplied",
        "idle",
        "milestones",
        "consecutive_misses",
        "suspended",
        "bonus_mu",
    } <= set(first)
    assert first["unsupplied"] == {"task_mu": "684.280", "done_mu": "0.000", "percent": "0.00"}
    assert first["milestones"][0] == {"due_on": "2022-06-30", "percent": "50.00", "met": False}
    assert first["milestones"][1]["met"] is None
    assert body["totals"]["unsupplied"]["task_mu"] == "5147.330"
    assert body["totals"]["idle"]["task_mu"] == "383.528"
    own = api.as_user(users["hongdong_land"]).get("/api/v1/land/progress/?year=2022&as_of=2022-07-01").json()
    assert [r["region"] for r in own["regions"]] == ["洪洞县"]
    assert api.as_user(users["yaodu_industry"]).get("/api/v1/land/progress/").status_code == 403


def test_bad_as_of_is_a_400(api, users, land):
    assert api.as_user(users["leader"]).get("/api/v1/land/progress/?as_of=2022-13-01").status_code == 400


def test_schema_has_the_land_paths_without_warnings(api, users, land, capsys):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in (
        "/api/v1/land/campaigns/",
        "/api/v1/land/quotas/",
        "/api/v1/land/quotas/import/",
        "/api/v1/land/parcels/",
        "/api/v1/land/parcels/{id}/",
        "/api/v1/land/parcels/{id}/disposals/",
        "/api/v1/land/progress/",
    ):
        assert path in schema["paths"]
    err = capsys.readouterr().err
    assert "land" not in err, err


@pytest.mark.parametrize(("method", "status"), [("put", 405), ("delete", 403)])  # no delete_parcel: 403 first
def test_no_put_or_delete_surprises(api, users, make_parcel, method, status):
    parcel = make_parcel()
    response = getattr(api.as_user(users["city_land"]), method)(f"{PARCELS}{parcel.pk}/", {}, format="json")
    assert response.status_code == status  # edits are versioned PATCHes; records are corrected, not erased
    assert Parcel.objects.filter(pk=parcel.pk).exists()
