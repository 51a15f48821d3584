"""Query counts constant in data size (issue 11): the application list, its export, the dashboard and the API ask
the same number of questions for a few applications as for many, in every state and several counties."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import TRAIT_BY_STATE

PAGES = [
    ("city_industry", "subsidies:application-list", {}),
    ("city_industry", "subsidies:application-list", {"ordering": "-award"}),
    ("yaodu_industry", "subsidies:application-list", {}),
    ("city_industry", "subsidies:application-export", {}),
    ("city_industry", "subsidies:dashboard", {}),
    ("leader", "cockpit", {}),
]
API = [
    ("city_industry", "subsidies-application-list", {}),
    ("yaodu_industry", "subsidies-application-list", {}),
]


def _queries(get) -> int:
    get()
    with CaptureQueriesContext(connection) as captured:
        response = get()
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.status_code
    return len(captured)


def _grow(make_application, start: int, count: int):
    from linfen_admin.models import Region

    counties = list(Region.objects.filter(name__in=["尧都区", "洪洞县", "曲沃县"]))
    states = list(TRAIT_BY_STATE)
    for n in range(start, start + count):
        make_application(states[n % len(states)], region=counties[n % len(counties)])


@pytest.mark.parametrize(("principal", "name", "params"), PAGES + API, ids=lambda value: str(value))
def test_the_same_queries_for_few_and_for_many_applications(
    client, api, users, make_application, principal, name, params
):
    if (principal, name, params) in API:
        caller = api.as_user(users[principal])
    else:
        client.force_login(users[principal])
        caller = client
    _grow(make_application, 0, 3)
    few = _queries(lambda: caller.get(reverse(name), params))
    _grow(make_application, 3, 2 * len(TRAIT_BY_STATE))
    many = _queries(lambda: caller.get(reverse(name), params))
    assert many == few, f"{name} {params}: {few} queries for 3 applications, {many} for more"
