"""Query counts constant in data size (issue 11): every land list, dashboard, map and export asks the database the
same number of questions for a handful of parcels as for many more, in more counties, with more disposals — what
keeps them fast at a million parcels. Measured here with small data; the timings are in bench/."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

AS_OF = "2022-09-30"
PAGES = [
    ("city_land", "land:parcel-list", {}),
    ("city_land", "land:parcel-list", {"as_of": AS_OF}),
    ("city_land", "land:parcel-list", {"ordering": "-disposed_mu"}),
    ("city_land", "land:parcel-list", {"ordering": "code"}),
    ("city_land", "land:parcel-list", {"q": "地块", "kind": "idle"}),
    ("city_land", "land:parcel-list", {"flag": "withdrawal_eligible"}),
    ("yaodu_land", "land:parcel-list", {}),
    ("city_land", "land:parcel-export", {}),
    ("city_land", "land:parcel-export-geojson", {}),
    ("city_land", "land:map", {}),
    ("city_land", "land:dashboard", {"as_of": AS_OF}),
    ("yaodu_land", "land:dashboard", {"as_of": AS_OF}),
    ("city_land", "land:notice-export", {"as_of": AS_OF}),
    ("city_land", "workbench", {}),
    ("leader", "cockpit", {"as_of": AS_OF}),
]
API = [
    ("city_land", "land-parcel-list", {}),
    ("city_land", "land-parcel-list", {"ordering": "-area_mu", "kind": "unsupplied"}),
    ("yaodu_land", "land-parcel-list", {}),
    ("city_land", "land-progress", {"year": 2022, "as_of": AS_OF}),
    ("city_land", "land-quota-list", {}),
]


def _queries(get) -> int:
    get()  # warm: the session, content types and the site's cached lookups
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        with CaptureQueriesContext(connection) as streamed:
            b"".join(response.streaming_content)
        return len(captured) + len(streamed)
    return len(captured)


def _grow(make_parcel, dispose, start: int, count: int):
    counties = ["尧都区", "洪洞县", "曲沃县", "侯马市", "霍州市"]
    for n in range(start, start + count):
        kind = "idle" if n % 2 else "unsupplied"
        extra = (
            {"agreed_start_on": datetime.date(2019, 1, 1), "approved_on": datetime.date(2015, 6, 1)}
            if kind == "idle"
            else {}
        )
        parcel = make_parcel(counties[n % len(counties)], kind, area="90", name=f"地块{n}", **extra)
        for month in range(1, n % 3 + 2):
            dispose(parcel, f"2022-0{month}-15", "5")


def _measure(client, api, users, principal, name, params, *, as_api):
    if as_api:
        caller = api.as_user(users[principal])
        return _queries(lambda: caller.get(reverse(name), params))
    client.force_login(users[principal])
    return _queries(lambda: client.get(reverse(name), params))


@pytest.mark.parametrize(("principal", "name", "params"), PAGES + API, ids=lambda value: str(value))
def test_the_same_queries_for_few_and_for_many_parcels(
    client, api, users, land, make_parcel, dispose, principal, name, params
):
    as_api = (principal, name, params) in API
    _grow(make_parcel, dispose, 0, 3)
    few = _measure(client, api, users, principal, name, params, as_api=as_api)
    _grow(make_parcel, dispose, 3, 12)
    many = _measure(client, api, users, principal, name, params, as_api=as_api)
    assert many == few, f"{name} {params}: {few} queries for 3 parcels, {many} for 15"
