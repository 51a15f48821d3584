"""建设用地报件 register — 临政办发〔2022〕15 号 六(五): "对连续 2 次未按时间节点完成'批而未用'清理任务的县(市、区),
除国家重点项目和民生保障项目外,暂停受理建设用地报件".

The suspension is the computed one (consecutive missed milestones, 2022: 6-30 50 %, 9-30 80 %, 11-30 100 %); a
refused attempt is recorded (``status = refused``), not lost; the dashboard shows the suspension and the refused."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from land import oversight
from land.models import LandApplication
from linfen_admin.models import AuditEvent, Region

D = Decimal
APPLICATIONS = "/api/v1/land/applications/"


def data(region="尧都区", category="ordinary", reason="", **extra):
    return {
        "region": Region.objects.get(name=region),
        "project_name": "某工业项目",
        "applicant": "某公司",
        "area_mu": D("30.5"),
        "applied_on": datetime.date.fromisoformat(extra.pop("applied_on", "2022-05-01")),
        "category": category,
        "exception_reason": reason,
        **extra,
    }


RULE_CASES = [
    # (case, today, region, met the 6-30 line, category, reason, expected: status | error field)
    ("before any milestone: accepted", "2022-05-20", "尧都区", False, "ordinary", "", "accepted"),
    ("one miss (6-30) is not two: accepted", "2022-08-01", "尧都区", False, "ordinary", "", "accepted"),
    ("连续 2 次未完成 (6-30, 9-30): refused", "2022-10-10", "尧都区", False, "ordinary", "", "refused"),
    (
        "suspended, 国家重点项目 with a reason: accepted",
        "2022-10-10",
        "尧都区",
        False,
        "national_key",
        "国家重大工程",
        "accepted",
    ),
    (
        "suspended, 民生保障项目 with a reason: accepted",
        "2022-10-10",
        "尧都区",
        False,
        "livelihood",
        "保障性住房",
        "accepted",
    ),
    ("an exception needs its reason", "2022-10-10", "尧都区", False, "national_key", " ", "exception_reason"),
    ("met 6-30, missed 9-30: one miss, accepted", "2022-10-10", "古县", True, "ordinary", "", "accepted"),
    ("three misses still suspend (12-01)", "2022-12-01", "洪洞县", False, "ordinary", "", "refused"),
]


@pytest.mark.parametrize(
    ("case", "today", "region", "met_june", "category", "reason", "expected"),
    RULE_CASES,
    ids=[c[0] for c in RULE_CASES],
)
def test_suspension_rule_of_6_5(
    users, land, make_parcel, dispose, case, today, region, met_june, category, reason, expected
):
    """六(五): 连续 2 次未按时间节点完成 → 暂停受理建设用地报件, 国家重点项目和民生保障项目除外."""
    with time_machine.travel(f"{today} 09:00", tick=False):
        if met_june:  # 古县's whole task (3.60 亩) by 6-30: meets 50 %, then misses nothing until 11-30
            dispose(make_parcel(region, area="3.6"), "2022-06-01", "2.0")
        actor = users["hongdong_land" if region == "洪洞县" else "city_land"]
        call = {"actor": actor, "data": data(region, category, reason, applied_on=today)}
        if expected in ("accepted", "refused"):
            application = oversight.application_register(**call)
            assert application.status == expected
            assert application.suspended is (case.startswith(("连续", "suspended", "three")))
            if expected == "refused":
                assert "暂停受理建设用地报件" in application.refusal_reason
            return
        with pytest.raises(ValidationError) as caught:
            oversight.application_register(**call)
        assert expected in caught.value.message_dict and not LandApplication.objects.exists()


def test_refused_attempts_are_recorded_not_lost(users, land):
    with time_machine.travel("2022-10-10 09:00", tick=False):
        first = oversight.application_register(actor=users["yaodu_land"], data=data(applied_on="2022-10-10"))
        second = oversight.application_register(actor=users["yaodu_land"], data=data(applied_on="2022-10-10"))
    assert [a.status for a in LandApplication.objects.order_by("pk")] == ["refused", "refused"]
    event = AuditEvent.objects.for_object(first).get()
    assert event.action == "create" and "暂停受理" in event.comment
    assert second.created_by == users["yaodu_land"]


SCOPE_CASES = [
    ("a county registers for its own region", "yaodu_land", "尧都区", None),
    ("not for another region", "yaodu_land", "洪洞县", "403"),
    ("the leading group writes nothing", "leader", "尧都区", "403"),
    ("not dated after today", "yaodu_land", "尧都区", "applied_on"),
]


@pytest.mark.parametrize(
    ("case", "username", "region", "error"), SCOPE_CASES, ids=[c[0] for c in SCOPE_CASES]
)
def test_who_registers(users, land, case, username, region, error):
    with time_machine.travel("2022-05-20 09:00", tick=False):
        applied_on = "2022-05-21" if error == "applied_on" else "2022-05-20"
        call = {"actor": users[username], "data": data(region, applied_on=applied_on)}
        if error is None:
            assert oversight.application_register(**call).status == "accepted"
            return
        with pytest.raises(PermissionDenied if error == "403" else ValidationError):
            oversight.application_register(**call)
    assert not LandApplication.objects.exists()


def test_procedure_through_the_pages_with_scoping(client, users, land):
    with time_machine.travel("2022-10-10 09:00", tick=False):
        client.force_login(users["yaodu_land"])
        form = client.get(reverse("land:application-create"))
        assert form.status_code == 200 and "尧都区" in form.content.decode()  # the suspension is shown
        body = {
            "region": Region.objects.get(name="尧都区").pk,
            "project_name": "尧都区某物流园",
            "area_mu": "12.5",
            "applied_on": "2022-10-10",
            "category": "ordinary",
        }
        refused = client.post(reverse("land:application-create"), body)
        assert refused.status_code == 302
        assert LandApplication.objects.get().status == "refused"
        missing = client.post(reverse("land:application-create"), {**body, "category": "livelihood"})
        assert missing.status_code == 400 and "exception_reason" in missing.context["form"].errors
        assert missing.context["form"]["project_name"].value() == "尧都区某物流园"
        accepted = client.post(
            reverse("land:application-create"),
            {**body, "category": "livelihood", "exception_reason": "保障性住房"},
        )
        assert accepted.status_code == 302
        other = {**body, "region": Region.objects.get(name="洪洞县").pk}
        assert client.post(reverse("land:application-create"), other).status_code == 400  # not a choice
        listed = client.get(reverse("land:application-list") + "?status=refused")
        assert [a.status for a in listed.context["page"].object_list] == ["refused"]

        client.force_login(users["hongdong_land"])
        assert "尧都区某物流园" not in client.get(reverse("land:application-list")).content.decode()

        client.force_login(users["leader"])
        dashboard = client.get(reverse("land:dashboard") + "?year=2022&as_of=2022-10-10").content.decode()
        assert "暂停期间未予受理" in dashboard or "未予受理的报件" in dashboard
        assert "尧都区某物流园" in dashboard
        assert client.get(reverse("land:application-create")).status_code == 403


def test_procedure_through_the_api_with_scoping(api, users, land):
    with time_machine.travel("2022-10-10 09:00", tick=False):
        clerk = api.as_user(users["yaodu_land"])
        body = {"region": "尧都区", "project_name": "某项目", "area_mu": "8.000", "applied_on": "2022-10-10"}
        refused = clerk.post(APPLICATIONS, body, format="json")
        assert refused.status_code == 409
        assert refused.json()["code"] == "suspended" and refused.json()["application"]["status"] == "refused"
        accepted = clerk.post(
            APPLICATIONS,
            {**body, "category": "national_key", "exception_reason": "国家重点工程"},
            format="json",
        )
        assert accepted.status_code == 201 and accepted.json()["status"] == "accepted"
        assert clerk.post(APPLICATIONS, {**body, "status": "accepted"}, format="json").status_code == 400
        assert clerk.post(APPLICATIONS, {**body, "region": "洪洞县"}, format="json").status_code == 400
        hongdong = api.as_user(users["hongdong_land"])
        theirs = hongdong.post(APPLICATIONS, {**body, "region": "洪洞县"}, format="json")
        assert theirs.status_code == 409  # 洪洞县 missed both lines too
        clerk = api.as_user(users["yaodu_land"])
        mine = clerk.get(APPLICATIONS).json()["results"]
        assert {row["region"] for row in mine} == {"尧都区"} and len(mine) == 2
        assert clerk.get(f"{APPLICATIONS}{theirs.json()['application']['id']}/").status_code == 404
        assert [r["status"] for r in clerk.get(APPLICATIONS + "?status=refused").json()["results"]] == [
            "refused"
        ]
    assert LandApplication.objects.filter(status="refused").count() == 2
