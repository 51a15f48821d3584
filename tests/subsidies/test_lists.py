"""The application list: sortable headers, a result count, an xlsx export of the same filtered and scoped list
(another region's rows never in it), money in 万元 with 2 places, and invalid filters shown as form errors."""

import io
from decimal import Decimal as D

from django.urls import reverse
from openpyxl import load_workbook

from linfen_admin.models import Region
from subsidies.models import State

from .conftest import CallFactory

LIST = "subsidies:application-list"
EXPORT = "subsidies:application-export"


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _two_regions(make_application):
    hongdong = Region.objects.get(name="洪洞县")
    mine = [
        make_application(State.COUNTY_REVIEW, award_wan=D("12345.60"), enterprise_name="乙企业"),
        make_application(State.PLANNED, award_wan=D("300.00"), enterprise_name="甲企业"),
    ]
    other = make_application(State.COUNTY_REVIEW, region=hongdong, enterprise_name="=洪洞企业")
    return mine, other


def test_sortable_headers_count_and_money(client, users, make_application):
    _two_regions(make_application)
    client.force_login(users["leader"])
    response = client.get(reverse(LIST), {"ordering": "-award"})
    content = response.content.decode()
    assert 'aria-sort="descending"' in content and "ordering=enterprise" in content
    assert "共 3 条" in content
    assert f'href="{reverse(EXPORT)}?ordering=-award"' in content
    assert [a.award_wan for a in response.context["page"]][0] == D("12345.60")
    assert "12,345.60" in content
    by_name = client.get(reverse(LIST), {"ordering": "enterprise"}).context["page"]
    assert [a.enterprise_name for a in by_name] == sorted(a.enterprise_name for a in by_name)


def test_export_is_the_same_filtered_scoped_list(client, users, make_application):
    mine, other = _two_regions(make_application)
    client.force_login(users["yaodu_industry"])
    rows = _sheet(client.get(reverse(EXPORT)))
    assert rows[0][:3] == ["编号", "企业名称", "统一社会信用代码"]
    assert {row[0] for row in rows[1:]} == {a.reference for a in mine}
    assert other.reference not in {row[0] for row in rows[1:]}
    assert "洪洞县" not in {row[4] for row in rows[1:]}
    # Filtered and ordered like the page.
    rows = _sheet(client.get(reverse(EXPORT), {"state": "planned"}))
    assert [row[0] for row in rows[1:]] == [mine[1].reference]
    rows = _sheet(client.get(reverse(EXPORT), {"ordering": "award"}))
    assert [D(str(row[7])) for row in rows[1:]] == [D("300"), D("12345.6")]
    # The leader sees every region, and a hostile name stays text.
    client.force_login(users["leader"])
    rows = _sheet(client.get(reverse(EXPORT), {"region": "洪洞县"}))
    assert [row[1] for row in rows[1:]] == ["'=洪洞企业"]
    # Permission as the list.
    client.force_login(users["yaodu_land"])
    assert client.get(reverse(EXPORT)).status_code == 403


def test_invalid_filters_become_form_errors(client, users, make_application):
    make_application(State.PLANNED, call=CallFactory())
    client.force_login(users["leader"])
    response = client.get(
        reverse(LIST), {"state": "bogus", "call": "999999", "page": "x", "ordering": "password"}
    )
    assert response.status_code == 200
    form = response.context["filter"].form
    assert set(form.errors) == {"state", "call"}
    content = response.content.decode()
    assert 'class="error-summary"' in content and 'id="id_state_error"' in content
    assert response.context["page"].paginator.count == 1  # the invalid filters are ignored, not a 404
    assert client.get(reverse(EXPORT), {"call": "abc"}).status_code == 200


def test_export_and_sorted_list_query_counts(client, users, make_application, django_assert_max_num_queries):
    for _ in range(6):
        make_application(State.PLANNED)
    client.force_login(users["leader"])
    with django_assert_max_num_queries(10):  # as the unsorted list: independent of the number of rows
        assert client.get(reverse(LIST), {"ordering": "-region"}).status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get(reverse(EXPORT), {"ordering": "state"})
        assert len(_sheet(response)) == 7
