"""The leading group's cockpit: the modules' sections drawn by the shell, each chart with its table fallback and
links to the filtered lists; the same figures as the API; scoped to the reader; a bounded number of queries."""

import json
import re
from decimal import ROUND_DOWN, Decimal

import pytest
from django.urls import reverse

D = Decimal


@pytest.fixture
def land_data(cockpit_seed):
    cockpit_seed("C", (("尧都区", "1300", "700"), ("洪洞县", "500", "10")))


def _specs(page: str) -> dict:
    found = re.findall(r'<script id="([a-z-]+)-spec" type="application/json">(.*?)</script>', page, re.S)
    return {key: json.loads(body) for key, body in found}


def test_the_leaders_home_is_the_cockpit(client, users, land_data):
    client.force_login(users["leader"])
    assert client.get(reverse("workbench")).url == reverse("cockpit")
    response = client.get(reverse("cockpit") + "?as_of=2022-07-01")
    assert response.status_code == 200
    page = response.content.decode()
    specs = _specs(page)
    assert {
        "land-regions",
        "land-cumulative",
        "subsidies-funnel",
        "subsidies-budget",
        "subsidies-categories",
        "approvals-deadlines",
    } <= set(specs)
    regions = specs["land-regions"]
    assert len(regions["categories"]) == 19 and [line["value"] for line in regions["lines"]] == [50, 80, 100]
    assert (
        regions["links"][regions["categories"].index("尧都区")]
        == "/land/parcels/?region=%E5%B0%A7%E9%83%BD%E5%8C%BA"
    )
    assert page.count('class="grid chart-table"') == len(specs)  # every chart has its table
    assert "vendor/echarts-6.1.0/echarts.min.js" in page and "<script>" not in page  # no inline script


def test_chart_table_figures_equal_the_progress_api(client, api, users, land_data):
    client.force_login(users["leader"])
    page = client.get(reverse("cockpit") + "?as_of=2022-07-01").content.decode()
    table = page.split('data-chart-key="land-regions"', 1)[1].split("</table>", 1)[0]
    cells = dict(
        re.findall(
            r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td class="num" data-value="([^"]*)"', table
        )
    )
    body = api.as_user(users["leader"]).get("/api/v1/land/progress/?year=2022&as_of=2022-07-01").json()
    for row in body["regions"]:
        # the chart cuts the exact percent (never rounded up across a line); the API gives it rounded
        done = D(row["unsupplied"]["done_mu"]) + D(row["idle"]["done_mu"])
        task = D(row["unsupplied"]["task_mu"]) + D(row["idle"]["task_mu"])
        shown = str((done * 100 / task).quantize(D("0.01"), rounding=ROUND_DOWN)) if task else ""
        assert cells[row["region"]] == shown, row["region"]
        assert abs(D(shown or "0") - D(row["percent"] or "0")) <= D("0.01")


def test_a_percent_just_below_a_line_is_not_rounded_up_to_it():
    from land.cockpit import truncated

    assert truncated(D("79.998")) == D("79.99") and truncated(None) is None


def test_a_county_clerk_sees_their_own_region_only(client, users, land_data):
    client.force_login(users["yaodu_land"])
    specs = _specs(client.get(reverse("cockpit") + "?as_of=2022-07-01").content.decode())
    assert specs["land-regions"]["categories"] == ["尧都区"]
    assert "subsidies-funnel" not in specs  # no subsidies role


def test_cockpit_queries_do_not_grow_with_the_data(client, users, land_data, django_assert_max_num_queries):
    client.force_login(users["leader"])
    with django_assert_max_num_queries(45):
        assert client.get(reverse("cockpit") + "?as_of=2022-07-01").status_code == 200


def test_a_bad_as_of_date_is_a_form_error_not_a_crash(client, users, land_data):
    client.force_login(users["leader"])
    response = client.get(reverse("cockpit") + "?as_of=2022-13-45")
    assert response.status_code == 200 and response.context["form"].errors


def test_charts_on_the_module_pages(client, users, land_data):
    client.force_login(users["leader"])
    for url, key in (
        (reverse("land:dashboard") + "?as_of=2022-07-01", "land-regions"),
        (reverse("subsidies:dashboard"), "subsidies-funnel"),
    ):
        assert key in _specs(client.get(url).content.decode()), url
    client.force_login(users["city_approval"])
    assert "approvals-deadlines" in _specs(client.get(reverse("approvals:case-due")).content.decode())
