"""The land reminder rules on chosen days, and through the engine: once per (rule, object, period, recipient)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from land import reminders
from land.models import Parcel

d = datetime.date
D = Decimal


def collect(rule, as_of):
    return list(rule(as_of))


def test_milestone_due_within_14_days_for_regions_behind(users, land, make_parcel, dispose):
    dispose(make_parcel("尧都区", area="1300"), "2022-06-10", "644.675")
    dispose(make_parcel("尧都区", "idle", area="210.03"), "2022-06-10", "105.015")
    assert collect(reminders.milestone_due, d(2022, 6, 15)) == []  # 15 days ahead: not yet
    due = collect(reminders.milestone_due, d(2022, 6, 16))
    regions = {r.obj.region.name for r in due}
    assert "尧都区" not in regions  # already at 50 %
    assert "洪洞县" in regions and len(regions) == 18
    hongdong = next(r for r in due if r.obj.region.name == "洪洞县")
    assert {u.username for u in hongdong.recipients} == {"hongdong_land", "city_land"}
    assert hongdong.period == "2022-06-30"
    assert "2022-06-30 时间节点(50%)" in hongdong.title


def test_milestone_missed(users, land):
    assert collect(reminders.milestone_missed, d(2022, 6, 29)) == []
    missed = collect(reminders.milestone_missed, d(2022, 6, 30))
    assert len(missed) == 19 and {r.period for r in missed} == {"missed-2022-06-30"}
    later = collect(reminders.milestone_missed, d(2022, 10, 1))
    gu = [r for r in later if r.obj.region.name == "古县"]
    assert len(gu) == 2 and "暂停受理" in gu[1].title


def ledger_pks(client, url):
    """The parcels the reminder's link shows in the ledger."""
    response = client.get(url)
    assert response.status_code == 200
    return {parcel.pk for parcel in response.context["page"]}


def test_parcels_not_updated_for_30_days_are_one_weekly_digest_per_region(
    users, make_parcel, dispose, client
):
    stale = [make_parcel("尧都区"), make_parcel("尧都区", "idle", area="8")]
    done = make_parcel("尧都区", area="5")
    dispose(done, "2022-05-20", "5")
    other = make_parcel("洪洞县")
    long_ago = timezone.now() - datetime.timedelta(days=31)
    Parcel.objects.filter(pk__in=[p.pk for p in [*stale, done, other]]).update(updated_at=long_ago)
    make_parcel("尧都区")  # fresh
    today = timezone.localdate()
    found = collect(reminders.parcel_stale, today)
    assert [r.obj.name for r in found] == ["尧都区", "洪洞县"]
    yaodu = found[0]
    assert [u.username for u in yaodu.recipients] == ["yaodu_land"]
    assert yaodu.title == "尧都区 有 2 宗地块已超过 30 天未更新"
    year, week, _day = today.isocalendar()
    assert yaodu.period == f"{year}-W{week:02d}"
    client.force_login(users["city_land"])
    assert ledger_pks(client, yaodu.url) == {p.pk for p in stale}  # the link shows exactly those parcels
    next_week = collect(reminders.parcel_stale, today + datetime.timedelta(days=7))
    assert next_week[0].period != yaodu.period  # reminded again a week later while still stale


def test_idle_land_past_one_and_two_years_is_one_digest_per_region_and_line(users, make_parcel, client):
    parcel = make_parcel("洪洞县", "idle", cause="enterprise", agreed_start_on=d(2020, 3, 10))
    make_parcel("洪洞县", "idle", cause="government", agreed_start_on=d(2018, 1, 1))
    assert collect(reminders.idle_lines, d(2021, 3, 10)) == []
    one = collect(reminders.idle_lines, d(2021, 3, 11))
    assert [(r.obj.name, r.period) for r in one] == [("洪洞县", "1y:2021-W10")]
    assert one[0].title == "洪洞县 有 1 宗闲置土地超过约定开工时间一年未动工,应征缴土地闲置费"
    assert {u.username for u in one[0].recipients} == {"hongdong_land", "city_land"}
    both = collect(reminders.idle_lines, d(2022, 3, 11))
    assert sorted(r.period for r in both) == ["1y:2022-W10", "2y:2022-W10"]
    client.force_login(users["city_land"])
    for reminder in both:
        assert ledger_pks(client, reminder.url + "&as_of=2022-03-11") == {parcel.pk}


def test_report_deadline_ahead(users, land):
    assert collect(reminders.report_deadline, d(2022, 4, 30)) == []
    county = collect(reminders.report_deadline, d(2022, 5, 1))
    assert len(county) == 1 and county[0].period == "2022-05-15"
    assert {u.username for u in county[0].recipients} == {"yaodu_land", "hongdong_land"}
    city = collect(reminders.report_deadline, d(2022, 12, 31))
    assert {u.username for u in city[0].recipients} == {"city_land"}


@pytest.mark.django_db
def test_engine_sends_once(users, land, make_parcel):
    from linfen_admin.models import Notification
    from linfen_admin.reminders import run_reminders

    make_parcel("洪洞县", "idle", cause="enterprise", agreed_start_on=d(2020, 3, 10))
    run_reminders(d(2022, 3, 11))
    sent = Notification.objects.filter(rule__startswith="land.").count()
    assert sent > 0
    run_reminders(d(2022, 3, 11))
    assert Notification.objects.filter(rule__startswith="land.").count() == sent


@pytest.mark.parametrize("rule", reminders.RULES, ids=lambda rule: rule.code)
def test_each_rule_runs_in_the_same_number_of_queries_whatever_the_data(
    users, make_parcel, dispose, make_user, rule
):
    """Query count constant in data size: more parcels, disposals, regions and clerks cost no more queries (the
    idle-land rule once ran two queries per reminder)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linfen_admin.roles import Role

    as_of = {
        "land.milestone_due": d(2022, 6, 20),
        "land.report_deadline": d(2022, 12, 15),
        "land.parcel_stale": timezone.localdate(),
    }.get(rule.code, d(2022, 10, 1))
    regions = ["尧都区", "洪洞县", "古县", "吉县", "蒲县"]

    def grow(names):
        for name in names:
            idle = make_parcel(name, "idle", area="10", cause="enterprise", agreed_start_on=d(2019, 3, 1))
            dispose(idle, "2022-05-20", "1")
            make_parcel(name, "unsupplied", area="20")
        Parcel.objects.update(updated_at=timezone.now() - datetime.timedelta(days=400))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = [(r.obj.pk, [u.pk for u in r.recipients], r.title) for r in rule.collect(as_of)]
        return len(captured), len(found)

    grow(regions[:1])
    small, small_found = queries()
    for index, name in enumerate(regions[1:], start=1):
        make_user(f"clerk{index}", Role.COUNTY_LAND, region=name)
    grow(regions[1:] * 3)
    large, large_found = queries()
    assert large == small, (small_found, large_found)
    if rule.code in ("land.parcel_stale", "land.idle_lines"):
        assert large_found > small_found > 0
