import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from land import services
from land.models import DisposalRecord, Parcel
from linfen_admin.models import AuditEvent

D = Decimal


def test_disposals_never_exceed_the_area(make_parcel, dispose):
    parcel = make_parcel(area="100")
    dispose(parcel, "2022-06-01", "60")
    with pytest.raises(ValidationError) as error:
        dispose(parcel, "2022-06-02", "40.001")
    assert "剩余未处置面积 40.000 亩" in str(error.value)
    dispose(parcel, "2022-06-02", "40")
    with pytest.raises(ValidationError):
        dispose(parcel, "2022-06-03", "0.001")
    assert sum(r.area_mu for r in DisposalRecord.objects.all()) == D("100")
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.DONE


def test_stale_parcel_object_cannot_bypass_the_check(make_parcel, dispose):
    """The service re-reads and re-sums under the lock: a caller's stale copy of the parcel does not matter."""
    parcel = make_parcel(area="10")
    stale_copy = Parcel.objects.get(pk=parcel.pk)
    dispose(parcel, "2022-06-01", "10")
    with pytest.raises(ValidationError):
        dispose(stale_copy, "2022-06-01", "1")


def test_disposal_moves_status_and_version_and_is_audited(make_parcel, dispose):
    parcel = make_parcel(area="10")
    record = dispose(parcel, "2022-06-01", "4")
    parcel.refresh_from_db()
    assert (parcel.status, parcel.version) == (Parcel.Status.IN_PROGRESS, 2)
    assert AuditEvent.objects.for_object(record).filter(action="create").exists()
    assert AuditEvent.objects.for_object(parcel).filter(action="update").first().changes["status"] == [
        "pending",
        "in_progress",
    ]


def test_area_cannot_shrink_below_disposed(make_parcel, dispose, users):
    parcel = make_parcel(area="10")
    dispose(parcel, "2022-06-01", "8")
    parcel.refresh_from_db()
    with pytest.raises(ValidationError):
        services.parcel_update(
            actor=users["city_land"], parcel=parcel, version=parcel.version, data={"area_mu": D("7.999")}
        )


def test_update_writes_before_and_after_and_a_no_op_changes_nothing(make_parcel, users):
    parcel = make_parcel(name="旧名")
    updated = services.parcel_update(
        actor=users["yaodu_land"], parcel=parcel, version=1, data={"name": "新名"}
    )
    assert updated.version == 2
    event = AuditEvent.objects.for_object(parcel).get(action="update")
    assert event.changes["name"] == ["旧名", "新名"]
    services.parcel_update(actor=users["yaodu_land"], parcel=updated, version=2, data={"name": "新名"})
    parcel.refresh_from_db()
    assert parcel.version == 2
    assert AuditEvent.objects.for_object(parcel).filter(action="update").count() == 1


def test_stale_version_raises(make_parcel, users):
    parcel = make_parcel()
    services.parcel_update(actor=users["city_land"], parcel=parcel, version=1, data={"name": "A"})
    with pytest.raises(services.StaleVersion):
        services.parcel_update(actor=users["city_land"], parcel=parcel, version=1, data={"name": "B"})
    parcel.refresh_from_db()
    assert parcel.name == "A"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_disposals_cannot_together_exceed_the_area(seeded, django_user_model, monkeypatch):
    """Two connections dispose 60 of a 100-mu parcel at the same moment: exactly one succeeds.

    The re-sum is slowed down so that, were the parcel row not locked, both requests would read 0 mu
    disposed before either inserts (this makes the test fail deterministically without the lock)."""
    import datetime
    import time

    from land.seed import load_land_reference
    from linfen_admin.models import Region

    load_land_reference()
    actor = django_user_model.objects.create_superuser("racer", "r@example.gov.cn", "pw-for-tests-123")
    parcel = services.parcel_create(
        actor=actor,
        data={
            "region": Region.objects.get(name="尧都区"),
            "kind": "unsupplied",
            "code": "RACE",
            "name": "赛跑",
            "area_mu": D("100"),
        },
    )
    barrier = threading.Barrier(2)
    outcomes = []
    real_total = services.disposed_total

    def slow_total(parcel_id):
        total = real_total(parcel_id)
        time.sleep(0.5)
        return total

    monkeypatch.setattr(services, "disposed_total", slow_total)

    def worker():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            services.disposal_record(
                actor=actor,
                parcel=parcel,
                disposed_on=datetime.date(2022, 6, 1),
                area_mu=D("60"),
                method="accelerate",
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert DisposalRecord.objects.get().area_mu == D("60")
    assert connection.vendor == "postgresql"
