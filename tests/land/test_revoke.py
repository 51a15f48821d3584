"""A disposal entered by mistake is withdrawn with a reason; the audit trail keeps it; sums and status follow."""

import pytest

from land import selectors, services
from land.models import DisposalRecord, Parcel
from linfen_admin.models import AuditEvent


@pytest.fixture
def parcel(make_parcel, dispose):
    parcel = make_parcel(area="100")
    dispose(parcel, "2022-06-10", "40")
    dispose(parcel, "2022-06-20", "60")
    parcel.refresh_from_db()
    return parcel


def test_revoking_restores_sums_and_status_and_keeps_the_record_in_the_audit_trail(parcel, users):
    assert parcel.status == Parcel.Status.DONE
    wrong = parcel.disposals.get(area_mu="60")
    wrong_pk = wrong.pk
    services.disposal_revoke(actor=users["yaodu_land"], disposal=wrong, reason="面积录入错误,应为 6 亩")
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.IN_PROGRESS
    assert services.disposed_total(parcel.pk) == 40
    assert selectors.parcels_visible_to(users["yaodu_land"]).get(pk=parcel.pk).disposed_mu == 40
    event = AuditEvent.objects.filter(action="delete", object_id=str(wrong_pk)).get()
    assert event.comment == "面积录入错误,应为 6 亩"
    assert event.changes["area_mu"] == ["60.000", None]
    last = parcel.disposals.get()
    services.disposal_revoke(actor=users["yaodu_land"], disposal=last, reason="重复登记")
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.PENDING


def test_a_reason_is_required(parcel, users):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.disposal_revoke(actor=users["yaodu_land"], disposal=parcel.disposals.first(), reason="  ")
    assert parcel.disposals.count() == 2


def test_page_revoke_and_scoping(client, parcel, users, make_parcel, dispose):
    record = parcel.disposals.first()
    client.force_login(users["hongdong_land"])
    url = f"/land/parcels/{parcel.pk}/disposals/{record.pk}/revoke/"
    assert client.post(url, {"reason": "x"}).status_code == 404  # another county's parcel
    client.force_login(users["leader"])
    assert client.post(url, {"reason": "x"}).status_code == 403  # the leading group writes nothing
    client.force_login(users["yaodu_land"])
    assert "撤销原因" in client.get(f"/land/parcels/{parcel.pk}/").content.decode()
    response = client.post(url, {"reason": "录错宗地"})
    assert response.status_code == 302
    assert not DisposalRecord.objects.filter(pk=record.pk).exists()


def test_api_revoke(api, parcel, users):
    record = parcel.disposals.first()
    url = f"/api/v1/land/parcels/{parcel.pk}/disposals/{record.pk}/revoke/"
    assert api.as_user(users["hongdong_land"]).post(url, {"reason": "x"}, format="json").status_code == 404
    assert api.as_user(users["leader"]).post(url, {"reason": "x"}, format="json").status_code == 403
    response = api.as_user(users["yaodu_land"]).post(url, {}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    response = api.as_user(users["yaodu_land"]).post(url, {"reason": "录错面积"}, format="json")
    assert response.status_code == 200
    assert response.json()["disposed_mu"] == "60.000"
    assert response.json()["status"] == "in_progress"
