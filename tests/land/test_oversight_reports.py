"""The report deadlines' documents — 临政办发〔2022〕15 号 五、工作步骤: "各县(市、区)要于 5 月 15 日前将实施方案和安
排部署情况书面报送市规划和自然资源局"; "于 2022 年 12 月 25 日前报市规划和自然资源局"; "于 2023 年 1 月 10 日前专题报
告市人民政府和省自然资源厅".

Each deadline takes the county's (or, for the city's report, the city bureau's) document; its state is 未报 /
已报 / 逾期报送; its reminders stop once submitted; the leading group sees who has not reported."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from land import oversight, reminders
from land.models import DeadlineReport, ReportDeadline
from land.oversight import reminders as oversight_reminders
from linfen_admin.models import Region

d = datetime.date
PLAN, SUMMARY, CITY = (
    "县(市、区)实施方案和安排部署情况",
    "县(市、区)专项行动工作总结",
    "市规划和自然资源局专题报告市人民政府和省自然资源厅",
)


def pdf(name="实施方案.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 plan", content_type="application/pdf")


def deadline(title):
    return ReportDeadline.objects.get(title=title)


def submit(users, username, title, on, region=None):
    with time_machine.travel(f"{on} 10:00", tick=False):
        return oversight.deadline_report_submit(
            actor=users[username], deadline=deadline(title), upload=pdf(), region=region
        )


STATE_CASES = [
    # (seed line, due, first document on, state)
    ("5 月 15 日前将实施方案…报送", d(2022, 5, 15), None, "pending"),
    ("5 月 15 日前将实施方案…报送", d(2022, 5, 15), d(2022, 5, 14), "submitted"),
    ("5 月 15 日前将实施方案…报送", d(2022, 5, 15), d(2022, 5, 15), "submitted"),
    ("5 月 15 日前将实施方案…报送", d(2022, 5, 15), d(2022, 5, 16), "late"),
    ("于 2022 年 12 月 25 日前报", d(2022, 12, 25), d(2022, 12, 25), "submitted"),
    ("于 2022 年 12 月 25 日前报", d(2022, 12, 25), d(2022, 12, 26), "late"),
    ("于 2023 年 1 月 10 日前专题报告", d(2023, 1, 10), d(2023, 1, 10), "submitted"),
    ("于 2023 年 1 月 10 日前专题报告", d(2023, 1, 10), d(2023, 1, 11), "late"),
]


@pytest.mark.parametrize(("seed_line", "due", "on", "state"), STATE_CASES)
def test_state_of_a_deadline(seed_line, due, on, state):
    """未报 / 已报 / 逾期报送, by the Shanghai day of the first document (23:30 on the day is still on time)."""
    first = None
    if on is not None:
        first = timezone.make_aware(datetime.datetime.combine(on, datetime.time(23, 30)))
    assert oversight.report_state(due, first) == state


SUBMIT_CASES = [
    ("a county sends its own 实施方案", "yaodu_land", PLAN, None, None),
    ("a county may not send the city's report", "yaodu_land", CITY, None, "403"),
    ("a county may not send another county's", "yaodu_land", PLAN, "洪洞县", "403"),
    ("the city bureau sends its report to the city government", "city_land", CITY, None, None),
    ("the city bureau names the county of a county document", "city_land", PLAN, None, "region"),
    ("the leading group reads, never writes", "leader", PLAN, None, "403"),
]


@pytest.mark.parametrize(
    ("case", "username", "title", "region", "error"), SUBMIT_CASES, ids=[c[0] for c in SUBMIT_CASES]
)
def test_who_submits_which_document(users, land, case, username, title, region, error):
    """A county deadline takes each county's document; the city-level one (1 月 10 日) the city bureau's."""
    call = {
        "actor": users[username],
        "deadline": deadline(title),
        "upload": pdf(),
        "region": Region.objects.get(name=region) if region else None,
    }
    if error is None:
        report = oversight.deadline_report_submit(**call)
        assert (report.region is None) == (title == CITY)
        return
    with pytest.raises(PermissionDenied if error == "403" else ValidationError):
        oversight.deadline_report_submit(**call)
    assert not DeadlineReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.exe", b"MZ"),
        ("plan.pdf", b"<html>not a pdf"),
        ("plan.pdf", b""),
        ("plan.docx", b"PK\x03\x04junk"),
    ],
)
def test_documents_are_type_checked(users, land, settings, name, content):
    with pytest.raises(ValidationError) as caught:
        oversight.deadline_report_submit(
            actor=users["yaodu_land"], deadline=deadline(PLAN), upload=SimpleUploadedFile(name, content)
        )
    assert "file" in caught.value.message_dict and not DeadlineReport.objects.exists()


def test_documents_are_bounded_and_stored_under_a_random_name(users, land, settings):
    settings.UPLOAD_MAX_BYTES = 8
    with pytest.raises(ValidationError):
        oversight.deadline_report_submit(actor=users["yaodu_land"], deadline=deadline(PLAN), upload=pdf())
    settings.UPLOAD_MAX_BYTES = 1024
    report = oversight.deadline_report_submit(
        actor=users["yaodu_land"], deadline=deadline(PLAN), upload=pdf()
    )
    assert report.file.path.startswith(str(settings.MEDIA_ROOT)) and "实施方案" not in report.file.path


def test_who_has_not_reported(users, land):
    """The leading group's table: deadline × region with state; overdue 未报 listed by name."""
    submit(users, "yaodu_land", PLAN, "2022-05-14")
    submit(users, "hongdong_land", PLAN, "2022-05-20")
    with time_machine.travel("2022-05-21 09:00", tick=False):
        matrix = oversight.report_matrix(users["leader"], land, timezone.localdate())
    states = {row.name: [c.state for c in row.cells] for row in matrix["rows"]}
    assert len(states) == 19  # every region of 附件 2
    assert states["尧都区"] == ["submitted", "pending"]
    assert states["洪洞县"] == ["late", "pending"]
    assert states["曲沃县"] == ["pending", "pending"]
    missing = dict(matrix["missing"])
    assert "曲沃县" in missing and "尧都区" not in missing and "洪洞县" not in missing
    assert [c.state for c in matrix["city_row"].cells] == ["pending"]
    county = oversight.report_matrix(users["yaodu_land"], land, d(2022, 5, 21))
    assert [row.name for row in county["rows"]] == ["尧都区"] and county["city_row"] is None


def test_reminders_stop_once_submitted(users, land):
    """A deadline ahead (14 days) and one passed without the document remind whoever still owes it, only them."""
    ahead = list(reminders.report_deadline(d(2022, 5, 1)))
    assert {u.username for u in ahead[0].recipients} == {"yaodu_land", "hongdong_land"}
    submit(users, "yaodu_land", PLAN, "2022-05-10")
    ahead = list(reminders.report_deadline(d(2022, 5, 11)))
    assert {u.username for u in ahead[0].recipients} == {"hongdong_land"}
    late = list(oversight_reminders.report_overdue(d(2022, 5, 16)))
    assert [(r.obj.title, {u.username for u in r.recipients}) for r in late] == [(PLAN, {"hongdong_land"})]
    submit(users, "hongdong_land", PLAN, "2022-05-17")
    assert list(oversight_reminders.report_overdue(d(2022, 5, 18))) == []
    assert list(reminders.report_deadline(d(2022, 5, 12))) == []  # everyone with a user has reported
    city = list(oversight_reminders.report_overdue(d(2023, 1, 11)))
    assert {(r.obj.title, u.username) for r in city for u in r.recipients} >= {(CITY, "city_land")}
    submit(users, "city_land", CITY, "2023-01-11")
    assert CITY not in {r.obj.title for r in oversight_reminders.report_overdue(d(2023, 1, 12))}


def test_procedure_through_the_page_with_scoping(client, users, land):
    client.force_login(users["yaodu_land"])
    page = client.get(reverse("land:report-status"))
    assert page.status_code == 200
    assert [d.title for d, _form in page.context["submittable"]] == [PLAN, SUMMARY]
    plan = deadline(PLAN)
    field = f"d{plan.pk}-upload"
    bad = client.post(
        reverse("land:report-submit", args=[plan.pk]), {field: SimpleUploadedFile("a.exe", b"MZ")}
    )
    assert bad.status_code == 400
    with time_machine.travel("2022-05-14 10:00", tick=False):
        sent = client.post(
            reverse("land:report-submit", args=[plan.pk]), {field: pdf(), f"d{plan.pk}-note": "初稿"}
        )
    assert sent.status_code == 302
    report = DeadlineReport.objects.get()
    assert (report.region.name, report.note) == ("尧都区", "初稿")
    assert "已报" in client.get(reverse("land:report-status")).content.decode()
    assert client.get(reverse("land:report-file", args=[report.pk])).status_code == 200
    assert (
        client.post(
            reverse("land:report-submit", args=[deadline(CITY).pk]), {f"d{deadline(CITY).pk}-upload": pdf()}
        ).status_code
        == 403
    )

    client.force_login(users["hongdong_land"])
    assert client.get(reverse("land:report-file", args=[report.pk])).status_code == 404
    assert "实施方案.pdf" not in client.get(reverse("land:report-status")).content.decode()

    client.force_login(users["leader"])
    table = client.get(reverse("land:report-status"))
    assert table.status_code == 200 and table.context["submittable"] == []
    assert len(table.context["matrix"]["rows"]) == 19
    assert client.get(reverse("land:report-file", args=[report.pk])).status_code == 200
    assert client.post(reverse("land:report-submit", args=[plan.pk]), {field: pdf()}).status_code == 403


def test_procedure_through_the_api_with_scoping(api, users, land):
    plan = deadline(PLAN)
    other = submit(users, "hongdong_land", PLAN, "2022-05-16")
    clerk = api.as_user(users["yaodu_land"])
    with time_machine.travel("2022-05-15 10:00", tick=False):
        sent = clerk.post(
            "/api/v1/land/deadline-reports/", {"deadline": plan.pk, "upload": pdf()}, format="multipart"
        )
    assert sent.status_code == 201, sent.json()
    assert (sent.json()["region"], sent.json()["state"]) == ("尧都区", "submitted")
    assert [r["id"] for r in clerk.get("/api/v1/land/deadline-reports/").json()["results"]] == [
        sent.json()["id"]
    ]
    assert clerk.get(f"/api/v1/land/deadline-reports/{other.pk}/").status_code == 404
    refused = clerk.post(
        "/api/v1/land/deadline-reports/", {"deadline": deadline(CITY).pk, "upload": pdf()}, format="multipart"
    )
    assert refused.status_code == 403
    status = clerk.get("/api/v1/land/report-status/?year=2022").json()
    assert [r["region"] for r in status["regions"]] == ["尧都区"] and status["city"] is None
    assert status["regions"][0]["deadlines"][0]["state"] == "submitted"
    leader = api.as_user(users["leader"]).get("/api/v1/land/report-status/?year=2022").json()
    states = {r["region"]: r["deadlines"][0]["state"] for r in leader["regions"]}
    assert (states["尧都区"], states["洪洞县"], states["曲沃县"]) == ("submitted", "late", "pending")
    assert leader["city"][0]["state"] == "pending"
