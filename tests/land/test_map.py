"""逐地块上图: importing boundaries (page and API, all or nothing), points typed by hand checked to lie in Linfen,
the map's bounding-box GeoJSON (scoped, filtered, clustered past the cap) and the GeoJSON export."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from land.models import Parcel
from linfen_admin.models import AuditEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLE = (FIXTURES / "land_boundary_sample.txt").read_bytes()
MAP = "/api/v1/land/parcels/map/"
IMPORT = "/api/v1/land/parcels/boundaries/import/"
LINFEN_BOX = "110.2,35.3,112.6,36.9"


@pytest.fixture
def geo_parcels(make_parcel):
    return [make_parcel("尧都区", code="GEO-1", area="15"), make_parcel("尧都区", code="GEO-2", area="40")]


def _upload(content=SAMPLE, name="boundaries.txt"):
    return SimpleUploadedFile(name, content)


def test_api_import_dry_run_then_real_with_an_area_warning(api, users, geo_parcels):
    clerk = api.as_user(users["yaodu_land"])
    dry = clerk.post(IMPORT + "?dry_run=true", {"file": _upload()}, format="multipart")
    assert dry.status_code == 200, dry.json()
    assert dry.json()["parcels"] == 2 and not Parcel.objects.filter(boundary__isnull=False).exists()
    [warning] = dry.json()["warnings"]
    assert warning["code"] == "GEO-2" and "30.000" in warning["message"]  # 30 亩 drawn, 40 亩 recorded
    real = clerk.post(IMPORT + "?dry_run=false", {"file": _upload()}, format="multipart")
    assert real.status_code == 200
    parcel = Parcel.objects.get(code="GEO-1")
    assert parcel.boundary["type"] == "Polygon" and 111.5 < parcel.lon < 111.53 and 36.07 < parcel.lat < 36.09
    assert parcel.version == 2
    assert AuditEvent.objects.filter(action="import", object_id=str(parcel.pk)).exists()


def test_import_is_all_or_nothing_with_row_errors(api, users, make_parcel):
    make_parcel("尧都区", code="GEO-1", area="15")  # GEO-2 is unknown in this ledger
    response = api.as_user(users["yaodu_land"]).post(
        IMPORT + "?dry_run=false", {"file": _upload()}, format="multipart"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["column"] == "GEO-2" and "没有宗地编号" in error["message"] and error["row"] == 19
    assert not Parcel.objects.filter(boundary__isnull=False).exists()


def test_another_countys_parcel_is_unknown_to_a_clerk(api, users, make_parcel):
    make_parcel("洪洞县", code="GEO-1", area="15")
    make_parcel("洪洞县", code="GEO-2", area="30")
    response = api.as_user(users["yaodu_land"]).post(IMPORT, {"file": _upload()}, format="multipart")
    assert response.status_code == 400 and len(response.json()["errors"]) == 2


def test_the_import_page_takes_coordinate_files(client, users, geo_parcels):
    client.force_login(users["yaodu_land"])
    response = client.post(reverse("land:import"), {"kind": "boundary", "file": _upload(), "dry_run": "on"})
    assert response.status_code == 200 and response.context["boundary"].parcels == 2
    assert not Parcel.objects.filter(boundary__isnull=False).exists()  # the dry run writes nothing
    response = client.post(reverse("land:import"), {"kind": "boundary", "file": _upload()})
    assert Parcel.objects.filter(boundary__isnull=False).count() == 2
    broken = SAMPLE.replace(b"\xe5\xb8\xa6\xe5\x8f\xb7=37", b"\xe5\xb8\xa6\xe5\x8f\xb7=39")  # 带号=39
    response = client.post(
        reverse("land:import"), {"kind": "boundary", "file": _upload(broken), "dry_run": ""}
    )
    assert response.status_code == 400 and "37、38 带" in response.content.decode()


def test_points_typed_by_hand_must_lie_in_linfen(api, users, make_parcel):
    parcel = make_parcel("尧都区")
    clerk = api.as_user(users["yaodu_land"])
    outside = clerk.patch(
        f"/api/v1/land/parcels/{parcel.pk}/", {"version": 1, "lon": 116.4, "lat": 39.9}, format="json"
    )
    assert outside.status_code == 400 and "临汾市范围" in json.dumps(outside.json(), ensure_ascii=False)
    half = clerk.patch(f"/api/v1/land/parcels/{parcel.pk}/", {"version": 1, "lon": 111.5}, format="json")
    assert half.status_code == 400
    inside = clerk.patch(
        f"/api/v1/land/parcels/{parcel.pk}/", {"version": 1, "lon": 111.5, "lat": 36.1}, format="json"
    )
    assert inside.status_code == 200 and inside.json()["lon"] == 111.5
    boundary = clerk.patch(
        f"/api/v1/land/parcels/{parcel.pk}/", {"version": 2, "boundary": {}}, format="json"
    )
    assert boundary.status_code == 400  # drawn only by an import


def test_map_api_is_scoped_filtered_and_bounded(api, users, make_parcel):
    make_parcel("尧都区", code="Y-1", lon=111.52, lat=36.08)
    make_parcel("尧都区", code="Y-2", lon=111.6, lat=36.1, supervised=True)
    make_parcel("洪洞县", code="H-1", lon=111.67, lat=36.25)
    make_parcel("尧都区", code="Y-NOWHERE")  # no location: not on the map
    clerk = api.as_user(users["yaodu_land"])
    body = clerk.get(MAP + f"?bbox={LINFEN_BOX}").json()
    assert not body["clustered"] and {f["properties"]["code"] for f in body["features"]} == {"Y-1", "Y-2"}
    supervised = clerk.get(MAP + f"?bbox={LINFEN_BOX}&flag=supervised").json()
    assert [f["properties"]["code"] for f in supervised["features"]] == ["Y-2"]
    small = clerk.get(MAP + "?bbox=111.5,36.0,111.55,36.09").json()
    assert [f["properties"]["code"] for f in small["features"]] == ["Y-1"]
    assert clerk.get(MAP + "?bbox=nonsense").status_code == 400
    city = api.as_user(users["leader"]).get(MAP + f"?bbox={LINFEN_BOX}").json()
    assert city["total"] == 3


def test_past_the_cap_the_map_answers_clusters(api, users, make_parcel, settings):
    settings.MAP_FEATURE_CAP = 2
    for index in range(5):
        make_parcel("尧都区", code=f"C-{index}", lon=111.5 + index * 0.001, lat=36.0)
    body = api.as_user(users["city_land"]).get(MAP + f"?bbox={LINFEN_BOX}").json()
    assert body["clustered"] and body["total"] == 5
    assert sum(f["properties"]["count"] for f in body["features"]) == 5


def test_map_queries_do_not_grow_with_the_parcels(api, users, make_parcel, django_assert_max_num_queries):
    for index in range(30):
        make_parcel("尧都区", code=f"Q-{index}", lon=111.5 + index * 0.001, lat=36.0)
    client = api.as_user(users["city_land"])
    with django_assert_max_num_queries(8):
        assert len(client.get(MAP + f"?bbox={LINFEN_BOX}").json()["features"]) == 30


def test_map_page_and_geojson_export(client, users, make_parcel):
    make_parcel("尧都区", code="Y-1", lon=111.52, lat=36.08)
    make_parcel("洪洞县", code="H-1", lon=111.67, lat=36.25)
    client.force_login(users["yaodu_land"])
    page = client.get(reverse("land:map")).content.decode()
    assert "vendor/leaflet-1.9.4/leaflet.js" in page and 'id="map-config"' in page and "<script>" not in page
    response = client.get(reverse("land:parcel-export-geojson"))
    exported = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["code"] for f in exported["features"]] == ["Y-1"]
    assert exported["features"][0]["geometry"] == {"type": "Point", "coordinates": [111.52, 36.08]}
