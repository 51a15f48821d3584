"""The running totals (each parcel's disposed area; area per region × kind × day) follow every disposal service in
the same transaction, equal what the records add up to, and feed the progress figures and the ledger."""

import datetime
import random
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum

from land import selectors, services, totals
from land.models import Campaign, DisposalDay, DisposalRecord, Parcel


def _raw_progress(campaign, as_of):
    """What the records themselves add up to per region and kind, from 1 January to ``as_of``."""
    rows = (
        DisposalRecord.objects.filter(
            disposed_on__gte=datetime.date(campaign.year, 1, 1), disposed_on__lte=as_of
        )
        .values_list("parcel__region__name", "parcel__kind")
        .annotate(total=Sum("area_mu"))
    )
    return {(region, kind): total for region, kind, total in rows}


def test_totals_follow_every_record_and_withdrawal(land, users, make_parcel, dispose):
    rng = random.Random(11)
    parcels = [
        make_parcel(region, kind, area="50")
        for region in ("尧都区", "洪洞县", "侯马市")
        for kind in ("unsupplied", "idle")
        for _copy in range(2)
    ]
    for _step in range(60):
        parcel = rng.choice(parcels)
        parcel.refresh_from_db()
        live = list(parcel.disposals.all())
        if live and rng.random() < 0.3:
            services.disposal_revoke(actor=users["city_land"], disposal=rng.choice(live), reason="录入有误")
        elif parcel.disposed_total_mu < parcel.area_mu:
            day = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
            area = min(parcel.area_mu - parcel.disposed_total_mu, D(rng.randint(1, 9000)) / 1000)
            dispose(parcel, day.isoformat(), str(area))
    assert totals.differences() == []
    call_command("rebuild_land_totals", "--check")
    campaign = Campaign.objects.get(year=2022)
    for as_of in (datetime.date(2022, 3, 31), datetime.date(2022, 6, 30), datetime.date(2022, 12, 31)):
        progress = selectors.progress_for_campaign(campaign, as_of)
        raw = _raw_progress(campaign, as_of)
        for row in progress.regions:
            for kind, figures in (("unsupplied", row.unsupplied), ("idle", row.idle)):
                assert figures.done_mu == raw.get((row.region.name, kind), D("0")), (row.region, kind, as_of)


def test_the_check_finds_a_drifted_total_and_rebuild_repairs_it(land, make_parcel, dispose):
    parcel = make_parcel("尧都区", "unsupplied", area="20")
    dispose(parcel, "2022-05-01", "5")
    dispose(parcel, "2022-05-01", "2.5")
    day = DisposalDay.objects.get()
    assert day.area_mu == D("7.500")
    DisposalDay.objects.filter(pk=day.pk).update(area_mu=D("1"))
    Parcel.objects.filter(pk=parcel.pk).update(disposed_total_mu=D("0"))
    with pytest.raises(CommandError, match="2 处"):
        call_command("rebuild_land_totals", "--check")
    call_command("rebuild_land_totals")
    assert totals.differences() == []
    assert Parcel.objects.get(pk=parcel.pk).disposed_total_mu == D("7.500")


def test_each_parcel_keeps_the_date_of_its_latest_record_and_the_check_finds_a_wrong_one(
    land, users, make_parcel, dispose
):
    parcel = make_parcel("尧都区", "unsupplied", area="20")
    assert parcel.last_disposed_on is None
    dispose(parcel, "2022-05-01", "5")
    dispose(parcel, "2022-03-01", "2")  # backdated: the latest stays
    parcel.refresh_from_db()
    assert parcel.last_disposed_on == datetime.date(2022, 5, 1)
    latest = parcel.disposals.get(disposed_on=datetime.date(2022, 5, 1))
    services.disposal_revoke(actor=users["city_land"], disposal=latest, reason="录入有误")
    parcel.refresh_from_db()
    assert parcel.last_disposed_on == datetime.date(2022, 3, 1)
    Parcel.objects.filter(pk=parcel.pk).update(last_disposed_on=None)
    assert any("latest record" in problem for problem in totals.differences())
    call_command("rebuild_land_totals")
    assert totals.differences() == []
    assert Parcel.objects.get(pk=parcel.pk).last_disposed_on == datetime.date(2022, 3, 1)


def test_a_withdrawn_record_leaves_the_day_and_the_parcel(land, users, make_parcel, dispose):
    parcel = make_parcel("洪洞县", "idle", area="10")
    record = dispose(parcel, "2022-04-02", "4")
    services.disposal_revoke(actor=users["city_land"], disposal=record, reason="重复录入")
    assert DisposalDay.objects.get().area_mu == D("0")
    assert Parcel.objects.get(pk=parcel.pk).disposed_total_mu == D("0")


@pytest.mark.parametrize("change", ["kind", "region"])
def test_a_parcel_with_records_keeps_its_kind_and_region(land, users, make_parcel, dispose, change):
    from linfen_admin.models import Region

    parcel = make_parcel("尧都区", "unsupplied", area="10")
    dispose(parcel, "2022-04-02", "4")
    parcel.refresh_from_db()
    data = {"kind": "idle"} if change == "kind" else {"region": Region.objects.get(name="洪洞县")}
    with pytest.raises(ValidationError) as refused:
        services.parcel_update(actor=users["city_land"], parcel=parcel, version=parcel.version, data=data)
    assert "请先撤销处置记录" in str(refused.value.message_dict[change])
    assert totals.differences() == []


def test_the_ledger_reads_the_kept_total_today_and_sums_records_for_a_past_date(land, make_parcel, dispose):
    parcel = make_parcel("尧都区", "unsupplied", area="10")
    dispose(parcel, "2022-04-02", "4")
    dispose(parcel, "2022-08-02", "3")
    today = selectors.with_disposed(Parcel.objects.all())
    assert "disposed_total_mu" in str(today.query) and "land_disposalrecord" not in str(today.query)
    assert today.get().disposed_mu == D("7.000")
    past = selectors.with_disposed(Parcel.objects.all(), datetime.date(2022, 6, 30))
    assert "land_disposalrecord" in str(past.query)
    assert past.get().disposed_mu == D("4.000")


def test_the_ledger_follows_a_region_reordered_in_the_admin(client, users, land, make_parcel):
    from linfen_admin.models import Region

    make_parcel("尧都区", code="YD-1")
    make_parcel("洪洞县", code="HD-1")
    yaodu, hongdong = Region.objects.get(name="尧都区"), Region.objects.get(name="洪洞县")
    assert list(Parcel.objects.values_list("code", flat=True)) == ["YD-1", "HD-1"]
    top = max(Region.objects.values_list("order", flat=True))
    client.force_login(users["admin"])
    response = client.post(
        f"/admin/linfen_admin/region/{yaodu.pk}/change/",
        {"order": top + 1, "name": yaodu.name, "code": yaodu.code, "kind": yaodu.kind},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Parcel.objects.get(code="YD-1").region_order == top + 1
    assert Parcel.objects.get(code="HD-1").region_order == hongdong.order
    assert list(Parcel.objects.values_list("code", flat=True)) == ["HD-1", "YD-1"]
    assert totals.differences() == []


def test_the_check_finds_a_stale_region_order(land, make_parcel):
    parcel = make_parcel("尧都区")
    Parcel.objects.filter(pk=parcel.pk).update(region_order=999)
    assert any("region order" in line for line in totals.differences())
    call_command("rebuild_land_totals")
    assert totals.differences() == []


def test_the_check_finds_a_drifted_running_total(land, make_parcel, dispose):
    dispose(make_parcel("尧都区", "unsupplied", area="20"), "2022-05-01", "5")
    dispose(make_parcel("尧都区", "unsupplied", area="20"), "2022-05-03", "2")
    assert list(DisposalDay.objects.order_by("day").values_list("cumulative_mu", flat=True)) == [
        D("5"),
        D("7"),
    ]
    DisposalDay.objects.filter(day=datetime.date(2022, 5, 3)).update(cumulative_mu=D("2"))
    assert [p for p in totals.differences() if "running total" in p]
    call_command("rebuild_land_totals")
    assert totals.differences() == []


def test_running_totals_restart_each_year_and_a_backdated_record_moves_the_later_days(
    land, make_parcel, dispose
):
    parcel = make_parcel("洪洞县", "idle", area="100")
    dispose(parcel, "2022-12-30", "4")
    dispose(parcel, "2023-01-02", "1")
    dispose(parcel, "2022-03-01", "2")  # before both: the 2022 days move, 2023 does not
    kept = dict(DisposalDay.objects.values_list("day", "cumulative_mu"))
    assert kept == {
        datetime.date(2022, 3, 1): D("2"),
        datetime.date(2022, 12, 30): D("6"),
        datetime.date(2023, 1, 2): D("1"),
    }
    assert totals.differences() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_region_and_kind_take_turns_on_the_running_totals(
    seeded, django_user_model, monkeypatch
):
    """One clerk records a disposal on a new day (its running total starts from the day before) while another
    adds to an earlier day of the same county and kind. The new day's row is written slowly, so that without the
    turn-taking lock the second writer would add to the earlier days only, and the new day would miss its area."""
    import time

    from land.seed import load_land_reference
    from linfen_admin.models import Region

    load_land_reference()
    actor = django_user_model.objects.create_superuser("racer", "r@example.gov.cn", "pw-for-tests-123")
    region = Region.objects.get(name="尧都区")
    parcels = [
        services.parcel_create(
            actor=actor,
            data={
                "region": region,
                "kind": "unsupplied",
                "code": f"RT-{n}",
                "name": "赛跑",
                "area_mu": D("100"),
            },
        )
        for n in range(2)
    ]
    services.disposal_record(
        actor=actor,
        parcel=parcels[1],
        disposed_on=datetime.date(2022, 6, 1),
        area_mu=D("10"),
        method="accelerate",
    )
    manager = DisposalDay._default_manager
    real_create = manager.create

    def slow_create(**fields):
        time.sleep(0.6)
        return real_create(**fields)

    monkeypatch.setattr(manager, "create", slow_create)
    barrier = threading.Barrier(2)
    errors = []

    def worker(parcel, day, area, delay):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            time.sleep(delay)
            services.disposal_record(
                actor=actor, parcel=parcel, disposed_on=day, area_mu=area, method="accelerate"
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=worker, args=(parcels[0], datetime.date(2022, 6, 10), D("5"), 0)),
        threading.Thread(target=worker, args=(parcels[1], datetime.date(2022, 6, 1), D("3"), 0.2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert dict(DisposalDay.objects.values_list("day", "cumulative_mu")) == {
        datetime.date(2022, 6, 1): D("13"),
        datetime.date(2022, 6, 10): D("18"),
    }
    assert totals.differences() == []


def test_parcel_counts_follow_create_move_delete_and_import(land, users, make_parcel, region):
    from land.models import ParcelCount

    def kept(name):
        return ParcelCount.objects.filter(region=region(name)).values_list("parcels", flat=True).first() or 0

    start = {name: kept(name) for name in ("尧都区", "洪洞县")}
    first, second = make_parcel("尧都区"), make_parcel("尧都区")
    assert kept("尧都区") == start["尧都区"] + 2
    services.parcel_update(
        actor=users["city_land"], parcel=second, version=second.version, data={"region": region("洪洞县")}
    )
    assert (kept("尧都区"), kept("洪洞县")) == (start["尧都区"] + 1, start["洪洞县"] + 1)
    services.parcel_delete(actor=users["root"], parcel=first)  # the admin removes one entered by mistake
    assert kept("尧都区") == start["尧都区"]
    assert totals.count_differences() == []


def test_parcel_count_drift_is_found_and_rebuilt(land, make_parcel, region):
    from land.models import ParcelCount

    make_parcel("尧都区")
    ParcelCount.objects.filter(region=region("尧都区")).update(parcels=999)
    assert any("parcel count kept 999" in line for line in totals.differences())
    with pytest.raises(CommandError):
        call_command("rebuild_land_totals", "--check")
    call_command("rebuild_land_totals")
    assert totals.differences() == []


def test_the_whole_ledger_reads_its_length_from_the_kept_counts(client, api, land, users, make_parcel):
    """Unfiltered, neither the page nor the API counts the parcels (no ``COUNT(*)`` over ``land_parcel``), and the
    total is the one each user's scoped list holds; a filtered list counts its rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in ("尧都区", "尧都区", "洪洞县"):
        make_parcel(name, kind="idle" if name == "洪洞县" else "unsupplied")

    def counts_parcels(queries):
        return any("COUNT(" in q["sql"] and 'FROM "land_parcel"' in q["sql"] for q in queries)

    for username in ("city_land", "yaodu_land", "leader"):
        user = users[username]
        expected = selectors.parcels_visible_to(user).count()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/land/parcels/")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == expected
        assert not counts_parcels(queries.captured_queries), username
        api.force_authenticate(user)
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/land/parcels/").json()
        assert body["count"] == expected
        assert not counts_parcels(queries.captured_queries), username
        with CaptureQueriesContext(connection) as queries:
            filtered = api.get("/api/v1/land/parcels/", {"kind": "idle"}).json()
        assert filtered["count"] == selectors.parcels_visible_to(user).filter(kind="idle").count()
        assert counts_parcels(queries.captured_queries)
