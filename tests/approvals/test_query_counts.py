"""Query counts constant in data size (issue 11): the case lists, the due list, the exports, the draws and the
API ask the same number of questions for a few cases as for many, of several items and counties."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

PAGES = [
    ("city_approval", "approvals:case-list", {}),
    ("city_approval", "approvals:case-list", {"ordering": "-due"}),
    ("yaodu_approval", "approvals:case-list", {}),
    ("yaodu_approval", "approvals:case-due", {}),
    ("city_approval", "approvals:case-export", {}),
    ("city_approval", "approvals:item-list", {}),
    ("leader", "cockpit", {}),
]
API = [
    ("city_approval", "approval-case-list", {}),
    ("yaodu_approval", "approval-case-list", {}),
]


def _queries(get) -> int:
    get()
    with CaptureQueriesContext(connection) as captured:
        response = get()
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.status_code
    return len(captured)


def _grow(new_case, start: int, count: int):
    for n in range(start, start + count):
        county = n % 2 == 0  # a county item in 尧都区, or a city item (市本级) of the city bureau
        new_case(
            number=[5, 10, 11][n % 3] if county else [1, 13, 19][n % 3],
            region="尧都区" if county else None,
            accepted_on=datetime.date(2022, 9, 1) + datetime.timedelta(days=n),
            applicant_name=f"申请人{n}",
        )


@pytest.mark.parametrize(("principal", "name", "params"), PAGES + API, ids=lambda value: str(value))
def test_the_same_queries_for_few_and_for_many_cases(client, api, users, new_case, principal, name, params):
    if (principal, name, params) in API:
        caller = api.as_user(users[principal])
    else:
        client.force_login(users[principal])
        caller = client
    _grow(new_case, 0, 3)
    few = _queries(lambda: caller.get(reverse(name), params))
    _grow(new_case, 3, 12)
    many = _queries(lambda: caller.get(reverse(name), params))
    assert many == few, f"{name} {params}: {few} queries for 3 cases, {many} for 15"
