"""挂牌督办 as a procedure — 临政办发〔2022〕15 号 六(四): "对批而未供土地和闲置土地长期未能消化处置的,实行挂牌督办".

The city land bureau lists a parcel (or a region's task) with a reason, a deadline and the responsible unit; the
county reports progress with attachments; the city lifts it with a reason that is kept; ``Parcel.supervised``
follows the open listing. Through the service, the pages and the API, scoped (another region's listing: 404)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from land import oversight
from land.models import Parcel, Supervision, SupervisionReport
from land.oversight import reminders as oversight_reminders
from linfen_admin.models import AuditEvent, Region

d = datetime.date
TODAY = "2022-08-01 09:00"
SUPERVISIONS = "/api/v1/land/supervisions/"


def pdf(name="进展.pdf", content=b"%PDF-1.4 progress"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def summer_2022():
    with time_machine.travel(TODAY, tick=False):
        yield


def listing(users, parcel=None, region=None, **extra):
    values = {
        "reason": "批而未供土地长期未能消化处置",
        "responsible_unit": "尧都区自然资源局",
        "due_on": d(2022, 9, 30),
        **extra,
    }
    return oversight.supervision_open(actor=users["city_land"], parcel=parcel, region=region, **values)


OPEN_CASES = [
    # (case, actor, target, changes, expected error: None | "403" | field)
    ("city lists a parcel (六(四))", "city_land", "parcel", {}, None),
    ("city lists a region's task (六(四))", "city_land", "region", {}, None),
    ("a county may not list (六(四) is the city's)", "yaodu_land", "parcel", {}, "403"),
    ("the leading group reads, never writes", "leader", "parcel", {}, "403"),
    ("a reason is required", "city_land", "parcel", {"reason": " "}, "reason"),
    ("the responsible unit is required", "city_land", "parcel", {"responsible_unit": ""}, "responsible_unit"),
    ("the deadline may not be past", "city_land", "parcel", {"due_on": d(2022, 7, 31)}, "due_on"),
    ("neither parcel nor region", "city_land", None, {}, "region"),
]


@pytest.mark.parametrize(
    ("case", "actor", "target", "changes", "error"), OPEN_CASES, ids=[c[0] for c in OPEN_CASES]
)
def test_listing_rules_of_6_4(users, make_parcel, case, actor, target, changes, error):
    """六(四) 挂牌督办: who lists, and what a listing needs."""
    parcel = make_parcel("尧都区")
    values = {
        "reason": "长期未能消化处置",
        "responsible_unit": "尧都区自然资源局",
        "due_on": d(2022, 9, 30),
        "parcel": parcel if target == "parcel" else None,
        "region": Region.objects.get(name="尧都区") if target == "region" else None,
        **changes,
    }
    if error is None:
        supervision = oversight.supervision_open(actor=users[actor], **values)
        parcel.refresh_from_db()
        assert supervision.status == "open" and supervision.region.name == "尧都区"
        assert parcel.supervised is (target == "parcel")
        return
    expected = PermissionDenied if error == "403" else ValidationError
    with pytest.raises(expected) as caught:
        oversight.supervision_open(actor=users[actor], **values)
    if error != "403":
        assert error in caught.value.message_dict
    parcel.refresh_from_db()
    assert not Supervision.objects.exists() and parcel.supervised is False


def test_a_parcel_is_listed_once_at_a_time_and_may_be_listed_again_after_lifting(users, make_parcel):
    """六(四): one open listing per parcel; the flag on the ledger follows it, both ways, as new versions."""
    parcel = make_parcel("尧都区")
    first = listing(users, parcel)
    with pytest.raises(ValidationError) as caught:
        listing(users, parcel)
    assert "parcel" in caught.value.message_dict
    oversight.supervision_lift(actor=users["city_land"], supervision=first, reason="已完成供地")
    parcel.refresh_from_db()
    assert (parcel.supervised, parcel.version) == (False, 3)
    listing(users, parcel)
    parcel.refresh_from_db()
    assert (parcel.supervised, parcel.version) == (True, 4)


LIFT_CASES = [
    ("the city lifts with a reason (六(四))", "city_land", "已完成供地", None, None),
    ("a reason is required", "city_land", "  ", None, "reason"),
    ("not in the future", "city_land", "已完成供地", d(2022, 8, 2), "lifted_on"),
    ("a county may not lift", "yaodu_land", "已完成供地", None, "403"),
]


@pytest.mark.parametrize(
    ("case", "actor", "reason", "lifted_on", "error"), LIFT_CASES, ids=[c[0] for c in LIFT_CASES]
)
def test_lifting_rules_of_6_4(users, make_parcel, case, actor, reason, lifted_on, error):
    """六(四): the city lifts the listing when resolved, and the reason is kept."""
    parcel = make_parcel("尧都区")
    supervision = listing(users, parcel)
    if error is None:
        lifted = oversight.supervision_lift(actor=users[actor], supervision=supervision, reason=reason)
        assert (lifted.status, lifted.lift_reason, lifted.lifted_on) == ("lifted", reason, d(2022, 8, 1))
        parcel.refresh_from_db()
        assert parcel.supervised is False
        with pytest.raises(ValidationError):  # lifted is lifted: no second lift, no more reports
            oversight.supervision_lift(actor=users[actor], supervision=lifted, reason="again")
        with pytest.raises(ValidationError):
            oversight.supervision_report(
                actor=users["yaodu_land"], supervision=lifted, reported_on=d(2022, 8, 1), progress="x"
            )
        return
    expected = PermissionDenied if error == "403" else ValidationError
    with pytest.raises(expected):
        oversight.supervision_lift(
            actor=users[actor], supervision=supervision, reason=reason, lifted_on=lifted_on
        )
    supervision.refresh_from_db()
    parcel.refresh_from_db()
    assert supervision.status == "open" and parcel.supervised is True


def test_the_whole_history_is_in_the_audit_trail(users, make_parcel):
    """六(四): listing, progress reports and the lift, each an audit row in people's words, on the listing and on
    the parcel's own trail (its 挂牌督办 flag, set then cleared)."""
    parcel = make_parcel("尧都区")
    supervision = listing(users, parcel)
    oversight.supervision_report(
        actor=users["yaodu_land"],
        supervision=supervision,
        reported_on=d(2022, 8, 1),
        progress="已拟定供地方案",
    )
    oversight.supervision_lift(actor=users["city_land"], supervision=supervision, reason="已完成供地")
    events = list(AuditEvent.objects.for_object(supervision).order_by("pk"))
    assert [e.action for e in events] == ["create", "update"]
    assert events[-1].comment == "已完成供地" and events[-1].changes["status"] == ["open", "lifted"]
    report = SupervisionReport.objects.get()
    assert AuditEvent.objects.for_object(report).get().actor == users["yaodu_land"]
    flags = [e.changes.get("supervised") for e in AuditEvent.objects.for_object(parcel).order_by("pk")]
    assert [False, True] in flags and [True, False] in flags


REPORT_CASES = [
    ("the county of the region reports (with a PDF)", "yaodu_land", pdf(), None),
    ("the city bureau may report too", "city_land", None, None),
    ("another county may not", "hongdong_land", None, "403"),
    ("the leading group may not", "leader", None, "403"),
    ("a file of another type is refused", "yaodu_land", SimpleUploadedFile("a.exe", b"MZ..."), "file"),
    ("a PDF that is not one is refused", "yaodu_land", SimpleUploadedFile("a.pdf", b"<html>"), "file"),
    ("an empty file is refused", "yaodu_land", SimpleUploadedFile("a.pdf", b""), "file"),
]


@pytest.mark.parametrize(("case", "actor", "upload", "error"), REPORT_CASES, ids=[c[0] for c in REPORT_CASES])
def test_progress_report_rules(users, make_parcel, settings, case, actor, upload, error):
    """六(四): the county posts progress reports with attachments, bounded and type-checked."""
    supervision = listing(users, make_parcel("尧都区"))
    call = {
        "actor": users[actor],
        "supervision": supervision,
        "reported_on": d(2022, 8, 1),
        "progress": "进展",
    }
    if error is None:
        report = oversight.supervision_report(**call, upload=upload)
        if upload is not None:
            stored = report.file.path
            assert stored.startswith(str(settings.MEDIA_ROOT)) and "进展" not in stored
            assert report.original_name == "进展.pdf" and report.content_type == "application/pdf"
        return
    with pytest.raises(PermissionDenied if error == "403" else ValidationError) as caught:
        oversight.supervision_report(**call, upload=upload)
    if error == "file":
        assert "file" in caught.value.message_dict
    assert not SupervisionReport.objects.exists()


def test_a_too_large_attachment_is_refused(users, make_parcel, settings):
    settings.UPLOAD_MAX_BYTES = 16
    supervision = listing(users, make_parcel("尧都区"))
    with pytest.raises(ValidationError):
        oversight.supervision_report(
            actor=users["yaodu_land"],
            supervision=supervision,
            reported_on=d(2022, 8, 1),
            progress="进展",
            upload=pdf(content=b"%PDF-1.4 " + b"x" * 64),
        )


# --- pages --------------------------------------------------------------------------------------------------


def test_procedure_through_the_pages_with_scoping(client, users, make_parcel):
    """List (city) → county reports with an attachment → city lifts; a county sees only its own listings."""
    parcel = make_parcel("尧都区", code="YD-9")
    other = listing(users, make_parcel("洪洞县"), responsible_unit="洪洞县自然资源局")
    client.force_login(users["city_land"])
    form = client.get(reverse("land:supervision-create") + f"?parcel={parcel.pk}")
    assert form.status_code == 200 and form.context["form"].initial["parcel_code"] == "YD-9"
    body = {
        "region": parcel.region_id,
        "parcel_code": "YD-9",
        "reason": "长期未能消化处置",
        "responsible_unit": "尧都区自然资源局",
        "due_on": "2022-09-30",
    }
    refused = client.post(reverse("land:supervision-create"), {**body, "parcel_code": "NOPE"})
    assert refused.status_code == 400 and "parcel_code" in refused.context["form"].errors
    assert refused.context["form"]["reason"].value() == "长期未能消化处置"  # the input is kept
    created = client.post(reverse("land:supervision-create"), body)
    supervision = Supervision.objects.get(parcel=parcel)
    assert created.status_code == 302 and created.url == reverse(
        "land:supervision-detail", args=[supervision.pk]
    )
    parcel.refresh_from_db()
    assert parcel.supervised

    client.force_login(users["yaodu_land"])
    listed = client.get(reverse("land:supervision-list")).content.decode()
    assert "YD-9" in listed and "洪洞县自然资源局" not in listed
    assert client.get(reverse("land:supervision-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("land:supervision-create")).status_code == 403
    bad = client.post(
        reverse("land:supervision-report", args=[supervision.pk]),
        {"reported_on": "2022-08-01", "progress": "已拟定方案", "upload": SimpleUploadedFile("a.exe", b"MZ")},
    )
    assert bad.status_code == 400 and "upload" in bad.context["report_form"].errors
    posted = client.post(
        reverse("land:supervision-report", args=[supervision.pk]),
        {"reported_on": "2022-08-01", "progress": "已拟定方案", "upload": pdf()},
    )
    assert posted.status_code == 302
    report = SupervisionReport.objects.get()
    download = client.get(reverse("land:supervision-report-file", args=[supervision.pk, report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        client.post(reverse("land:supervision-lift", args=[supervision.pk]), {"reason": "x"}).status_code
        == 403
    )
    page = client.get(reverse("land:parcel-detail", args=[parcel.pk])).content.decode()
    assert "长期未能消化处置" in page  # the parcel page shows its listing
    assert "YD-9" in client.get(reverse("land:parcel-list") + "?flag=supervised").content.decode()

    client.force_login(users["hongdong_land"])
    assert client.get(reverse("land:supervision-detail", args=[supervision.pk])).status_code == 404
    assert (
        client.get(reverse("land:supervision-report-file", args=[supervision.pk, report.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("land:supervision-report", args=[supervision.pk]),
            {"reported_on": "2022-08-01", "progress": "x"},
        ).status_code
        == 404
    )

    client.force_login(users["city_land"])
    no_reason = client.post(reverse("land:supervision-lift", args=[supervision.pk]), {"reason": ""})
    assert no_reason.status_code == 400
    lifted = client.post(reverse("land:supervision-lift", args=[supervision.pk]), {"reason": "已完成供地"})
    assert lifted.status_code == 302
    detail = client.get(reverse("land:supervision-detail", args=[supervision.pk])).content.decode()
    assert "已完成供地" in detail and "已解除" in detail
    parcel.refresh_from_db()
    assert not parcel.supervised


def test_the_leading_group_reads_every_listing_and_changes_none(client, users, make_parcel):
    supervision = listing(users, make_parcel("洪洞县"))
    client.force_login(users["leader"])
    assert client.get(reverse("land:supervision-detail", args=[supervision.pk])).status_code == 200
    assert client.get(reverse("land:supervision-create")).status_code == 403
    assert (
        client.post(reverse("land:supervision-lift", args=[supervision.pk]), {"reason": "x"}).status_code
        == 403
    )


# --- API ----------------------------------------------------------------------------------------------------


def test_procedure_through_the_api_with_scoping(api, users, make_parcel):
    parcel = make_parcel("尧都区")
    other = listing(users, make_parcel("洪洞县"))
    city = api.as_user(users["city_land"])
    created = city.post(
        SUPERVISIONS,
        {
            "parcel": parcel.pk,
            "reason": "长期未能消化处置",
            "responsible_unit": "尧都区自然资源局",
            "due_on": "2022-09-30",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["region"], body["status"], body["overdue"]) == ("尧都区", "open", False)
    assert (
        city.post(SUPERVISIONS, {"parcel": parcel.pk, "status": "lifted"}, format="json").status_code == 400
    )
    assert city.get(f"/api/v1/land/parcels/{parcel.pk}/").json()["supervised"] is True
    pk = body["id"]

    clerk = api.as_user(users["yaodu_land"])
    assert [row["id"] for row in clerk.get(SUPERVISIONS).json()["results"]] == [pk]
    assert clerk.get(f"{SUPERVISIONS}{other.pk}/").status_code == 404
    assert (
        clerk.post(
            f"{SUPERVISIONS}{other.pk}/reports/", {"reported_on": "2022-08-01", "progress": "x"}
        ).status_code
        == 404
    )
    assert (
        clerk.post(
            SUPERVISIONS,
            {"region": "尧都区", "reason": "x", "responsible_unit": "x", "due_on": "2022-09-30"},
            format="json",
        ).status_code
        == 403
    )
    reported = clerk.post(
        f"{SUPERVISIONS}{pk}/reports/",
        {"reported_on": "2022-08-01", "progress": "已拟定方案", "upload": pdf()},
        format="multipart",
    )
    assert reported.status_code == 201, reported.json()
    assert reported.json()["original_name"] == "进展.pdf"
    assert [r["progress"] for r in clerk.get(f"{SUPERVISIONS}{pk}/reports/").json()] == ["已拟定方案"]
    assert clerk.post(f"{SUPERVISIONS}{pk}/lift/", {"reason": "x"}, format="json").status_code == 403

    city = api.as_user(users["city_land"])
    assert city.post(f"{SUPERVISIONS}{pk}/lift/", {"reason": ""}, format="json").status_code == 400
    lifted = city.post(f"{SUPERVISIONS}{pk}/lift/", {"reason": "已完成供地"}, format="json")
    assert lifted.status_code == 200 and lifted.json()["lift_reason"] == "已完成供地"
    assert city.get(f"/api/v1/land/parcels/{parcel.pk}/").json()["supervised"] is False
    assert [r["id"] for r in city.get(SUPERVISIONS + "?status=lifted").json()["results"]] == [pk]


# --- reminders and the cockpit ------------------------------------------------------------------------------


REMINDER_CASES = [
    # (as_of, rule, expected periods) for a listing due 2022-09-30
    (d(2022, 9, 22), "due", []),  # 8 days ahead: not yet
    (d(2022, 9, 23), "due", ["due-2022-09-30"]),  # 7 days ahead
    (d(2022, 9, 30), "due", ["due-2022-09-30"]),  # the day itself still counts as in time
    (d(2022, 9, 30), "overdue", []),
    (d(2022, 10, 1), "overdue", ["2022-W39"]),
    (d(2022, 10, 10), "overdue", ["2022-W41"]),  # weekly until lifted
]


@pytest.mark.parametrize(("as_of", "rule", "periods"), REMINDER_CASES)
def test_reminders_before_and_after_the_deadline(users, make_parcel, as_of, rule, periods):
    """六(四): reminders before and after the listing's deadline, to the county's clerks and the city bureau."""
    listing(users, make_parcel("尧都区"))
    collect = (
        oversight_reminders.supervision_due if rule == "due" else oversight_reminders.supervision_overdue
    )
    found = list(collect(as_of))
    assert [r.period for r in found] == periods
    for reminder in found:
        assert {u.username for u in reminder.recipients} == {"yaodu_land", "city_land"}


def test_a_lifted_listing_reminds_nobody(users, make_parcel):
    supervision = listing(users, make_parcel("尧都区"))
    oversight.supervision_lift(actor=users["city_land"], supervision=supervision, reason="已完成供地")
    assert list(oversight_reminders.supervision_overdue(d(2022, 10, 1))) == []
    assert list(oversight_reminders.supervision_due(d(2022, 9, 25))) == []


def test_listings_show_on_the_map_and_the_cockpit(api, users, make_parcel):
    from land.cockpit import oversight_figures

    parcel = make_parcel("尧都区", lon=111.6, lat=36.1)
    listing(users, parcel, due_on=d(2022, 8, 1))
    feature = (
        api.as_user(users["yaodu_land"])
        .get("/api/v1/land/parcels/map/?bbox=110.2,35.3,112.6,36.9&flag=supervised")
        .json()["features"]
    )
    assert [f["properties"]["supervised"] for f in feature] == [True]
    figures = {f.label: f.value for f in oversight_figures(users["leader"], d(2022, 8, 2))}
    assert figures["挂牌督办(其中逾期)"] == "1(1)"
    assert Parcel.objects.get(pk=parcel.pk).supervised
