"""A worked scenario on the seed's quotas (附件 2); expected figures computed by hand in the comments."""

import datetime
from decimal import Decimal

import pytest

from land.selectors import progress_for_campaign

D = Decimal
d = datetime.date


@pytest.fixture
def scenario(land, make_parcel, dispose):
    # 尧都区: quota 1289.35 (批而未供) / 210.03 (闲置)
    yaodu_u = make_parcel("尧都区", "unsupplied", "1500")
    yaodu_i = make_parcel("尧都区", "idle", "250")
    dispose(yaodu_u, "2021-12-31", "100")  # last year: never counts for 2022
    dispose(yaodu_u, "2022-06-30", "644.675")  # exactly 50 % of 1289.35 on the due date
    dispose(yaodu_i, "2022-06-01", "105.015")  # exactly 50 % of 210.03
    dispose(yaodu_u, "2022-07-01", "355.325")  # → 1000.000 by 9-30: < 80 % (1031.48) → missed
    dispose(yaodu_i, "2022-09-30", "63.009")  # → 168.024 = exactly 80 % of 210.03
    # 洪洞县: quota 295.65 / 15.71
    hongdong_u = make_parcel("洪洞县", "unsupplied", "400")
    hongdong_i = make_parcel("洪洞县", "idle", "15.71")
    dispose(hongdong_i, "2022-05-20", "15.71")  # 100 % of idle early
    dispose(hongdong_u, "2022-06-30", "100")  # 33.8 % < 50 % → 6-30 missed
    dispose(hongdong_u, "2022-09-30", "200")  # 300 ≥ 80 % (236.52) and ≥ 100 % (295.65)
    # 古县 (3.60, no idle quota) does nothing; every other region likewise.
    return land


def row(progress, name):
    return next(r for r in progress.regions if r.region.name == name)


def met(progress, name):
    return [m.met for m in row(progress, name).milestones]


def test_before_the_first_due_date_nothing_is_decided(scenario):
    progress = progress_for_campaign(scenario, d(2022, 6, 29))
    assert {tuple(m.met for m in r.milestones) for r in progress.regions} == {(None, None, None)}
    yaodu = row(progress, "尧都区")
    assert yaodu.unsupplied.done_mu == D("0")  # the 2021 disposal does not count
    assert yaodu.idle.done_mu == D("105.015")
    assert yaodu.idle.percent == D("50.00")


def test_on_the_first_due_date(scenario):
    progress = progress_for_campaign(scenario, d(2022, 6, 30))
    assert met(progress, "尧都区") == [True, None, None]
    assert met(progress, "洪洞县") == [False, None, None]  # 100 / 295.65 = 33.82 %
    assert met(progress, "古县") == [False, None, None]
    yaodu = row(progress, "尧都区")
    assert (yaodu.unsupplied.done_mu, yaodu.unsupplied.percent) == (D("644.675"), D("50.00"))
    assert row(progress, "洪洞县").unsupplied.percent == D("33.82")


def test_after_the_second_due_date(scenario):
    progress = progress_for_campaign(scenario, d(2022, 10, 1))
    assert met(progress, "尧都区") == [True, False, None]  # 1000 < 1031.48 although idle is exactly 80 %
    assert met(progress, "洪洞县") == [False, True, None]
    assert met(progress, "古县") == [False, False, None]
    assert (row(progress, "古县").consecutive_misses, row(progress, "古县").suspended) == (2, True)
    assert (row(progress, "洪洞县").consecutive_misses, row(progress, "洪洞县").suspended) == (1, False)
    assert row(progress, "尧都区").suspended is False
    # 19 regions: all but 尧都区 missed 6-30; all but 洪洞县 missed 9-30 → 17 suspended
    assert len(progress.totals["suspended_regions"]) == 17
    assert "尧都区" not in progress.totals["suspended_regions"]


def test_year_end(scenario):
    before = progress_for_campaign(scenario, d(2022, 12, 30))
    assert row(before, "洪洞县").bonus_mu is None
    progress = progress_for_campaign(scenario, d(2022, 12, 31))
    assert met(progress, "尧都区") == [True, False, False]
    assert row(progress, "尧都区").suspended is True
    assert met(progress, "洪洞县") == [False, True, True]
    hongdong = row(progress, "洪洞县")
    # (300 + 15.71) − (295.65 + 15.71) = 4.35 over; 10 % → 0.435
    assert hongdong.bonus_mu == D("0.435")
    assert row(progress, "尧都区").bonus_mu == D("0.000")
    # combined: 洪洞县 315.71 / 311.36 = 101.40 %; 尧都区 1168.024 / 1499.38 = 77.90 %; the rest 0 %
    assert hongdong.overall_percent == D("101.40")
    assert row(progress, "尧都区").overall_percent == D("77.90")
    assert (hongdong.rank, row(progress, "尧都区").rank, row(progress, "古县").rank) == (1, 2, 3)
    totals = progress.totals
    assert (totals["unsupplied"].task_mu, totals["unsupplied"].done_mu) == (D("5147.330"), D("1300.000"))
    assert (totals["idle"].task_mu, totals["idle"].done_mu) == (D("383.528"), D("183.734"))
    assert totals["unsupplied"].percent == D("25.26")  # 1300 / 5147.33
    assert totals["idle"].percent == D("47.91")  # 183.734 / 383.528
    assert totals["bonus_mu"] == D("0.435")


def test_next_year_disposals_do_not_count(scenario, make_parcel, dispose, users):
    parcel = make_parcel("洪洞县", "unsupplied", "50")
    dispose(parcel, "2023-01-05", "50")
    progress = progress_for_campaign(scenario, d(2023, 2, 1))
    assert row(progress, "洪洞县").unsupplied.done_mu == D("300")


def test_progress_api_matches(api, users, scenario):
    body = api.as_user(users["leader"]).get("/api/v1/land/progress/?year=2022&as_of=2022-12-31").json()
    hongdong = next(r for r in body["regions"] if r["region"] == "洪洞县")
    assert hongdong["unsupplied"] == {"task_mu": "295.650", "done_mu": "300.000", "percent": "101.47"}
    assert hongdong["idle"] == {"task_mu": "15.710", "done_mu": "15.710", "percent": "100.00"}
    assert [m["met"] for m in hongdong["milestones"]] == [False, True, True]
    assert (hongdong["consecutive_misses"], hongdong["suspended"], hongdong["bonus_mu"]) == (
        1,
        False,
        "0.435",
    )
    gu = next(r for r in body["regions"] if r["region"] == "古县")
    assert gu["idle"] == {"task_mu": "0.000", "done_mu": "0.000", "percent": None}
    assert gu["bonus_mu"] == "0.000"


def test_a_region_without_any_quota_meets_every_milestone(scenario):
    from land.models import TaskQuota

    TaskQuota.objects.filter(region__name="霍州市").delete()
    progress = progress_for_campaign(scenario, d(2022, 12, 31))
    assert met(progress, "霍州市") == [True, True, True]
    assert row(progress, "霍州市").rank is None


def test_the_dashboard_query_count_does_not_grow(
    scenario, django_assert_max_num_queries, make_parcel, dispose
):
    with django_assert_max_num_queries(5):
        progress_for_campaign(scenario, d(2022, 12, 31))
    for _index in range(10):
        dispose(make_parcel("曲沃县", "unsupplied", "10"), "2022-06-01", "1")
    with django_assert_max_num_queries(5):
        progress_for_campaign(scenario, d(2022, 12, 31))


@pytest.mark.parametrize(
    "as_of", [d(2022, 3, 1), d(2022, 6, 30), d(2022, 10, 1), d(2022, 12, 31), d(2023, 3, 1)]
)
@pytest.mark.parametrize("who", [None, "yaodu_land"])
def test_the_progress_answer_is_what_its_serializer_says(scenario, users, as_of, who):
    import json

    from rest_framework.renderers import JSONRenderer

    from land.api.serializers import ProgressSerializer, progress_data

    progress = progress_for_campaign(scenario, as_of, user=users[who] if who else None)

    def rendered(data):
        return json.loads(JSONRenderer().render(data))

    assert rendered(progress_data(progress)) == rendered(ProgressSerializer(progress).data)
