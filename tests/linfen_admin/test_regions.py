import pytest
from django.core.management import call_command

from linfen_admin.models import Department, Region

EXPECTED = [
    ("市本级", "141000"),
    ("临汾开发区", "141099"),
    ("尧都区", "141002"),
    ("曲沃县", "141021"),
    ("翼城县", "141022"),
    ("襄汾县", "141023"),
    ("洪洞县", "141024"),
    ("古县", "141025"),
    ("安泽县", "141026"),
    ("浮山县", "141027"),
    ("吉县", "141028"),
    ("乡宁县", "141029"),
    ("大宁县", "141030"),
    ("隰县", "141031"),
    ("永和县", "141032"),
    ("蒲县", "141033"),
    ("汾西县", "141034"),
    ("侯马市", "141081"),
    ("霍州市", "141082"),
]


def test_the_nineteen_regions_in_the_order_of_annex_2_with_their_codes(seeded):
    assert list(Region.objects.values_list("name", "code")) == EXPECTED


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("古　 县", "古县"),
        (" 吉\u3000县 ", "吉县"),
        ("隰\t县\n", "隰县"),
        ("尧都区", "尧都区"),
        ("总　 计", "总计"),
    ],
)
def test_names_are_normalised_by_removing_all_whitespace(raw, expected):
    assert Region.normalise_name(raw) == expected


def test_load_seed_runs_twice_without_duplicating(db):
    call_command("load_seed", verbosity=0)
    counts = (Region.objects.count(), Department.objects.count())
    call_command("load_seed", verbosity=0)
    assert (Region.objects.count(), Department.objects.count()) == counts
    assert counts[0] == 19


def test_every_county_has_its_own_land_and_approval_bureau(seeded):
    for region in Region.objects.exclude(kind=Region.Kind.CITY):
        kinds = set(region.departments.values_list("kind", flat=True))
        assert {"land", "approval_service", "agriculture", "industry"} <= kinds
    assert Department.objects.get(code="city-land").name == "市规划和自然资源局"
    assert Department.objects.get(code="141024-land").name == "洪洞县自然资源局"


def test_regions_api_lists_id_code_name_in_order(api, users):
    response = api.as_user(users["yaodu_land"]).get("/api/v1/regions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 19
    assert [row["name"] for row in body["results"]] == [name for name, _ in EXPECTED]
    assert set(body["results"][0]) == {"id", "code", "name"}
