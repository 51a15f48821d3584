"""The oversight pages in English: with the language cookie, no Chinese word of the interface is left (the data —
region names, reasons, file names — stays as entered)."""

import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from land import oversight
from land.models import Campaign, ReportDeadline
from linfen_admin.models import Region

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff0c\uff1a]+")


@pytest.fixture
def world(users, land, make_parcel):
    with time_machine.travel("2022-10-10 09:00", tick=False):
        parcel = make_parcel("尧都区", code="EN-9", name="地块")
        supervision = oversight.supervision_open(
            actor=users["city_land"],
            parcel=parcel,
            reason="事由",
            responsible_unit="单位",
            due_on=datetime.date(2022, 10, 20),
        )
        oversight.supervision_report(
            actor=users["yaodu_land"],
            supervision=supervision,
            reported_on=datetime.date(2022, 10, 10),
            progress="进展",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        )
        oversight.deadline_report_submit(
            actor=users["yaodu_land"],
            deadline=ReportDeadline.objects.get(due_on=datetime.date(2022, 5, 15)),
            upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 x"),
        )
        oversight.application_register(
            actor=users["yaodu_land"],
            data={
                "region": Region.objects.get(name="尧都区"),
                "project_name": "项目",
                "area_mu": 5,
                "applied_on": datetime.date(2022, 10, 10),
            },
        )
    return supervision


DATA = {"尧都区", "事由", "单位", "进展", "地块", "项目", "专项行动", "临汾市"}


@pytest.mark.parametrize(
    "name",
    ["supervision-list", "supervision-detail", "report-status", "application-list", "application-create"],
)
def test_oversight_pages_in_english(client, users, world, name):
    client.force_login(users["yaodu_land"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    args = [world.pk] if name == "supervision-detail" else []
    with time_machine.travel("2022-10-10 09:00", tick=False):
        response = client.get(
            reverse(f"land:{name}", args=args) + ("?status=all" if name == "supervision-list" else "")
        )
    assert response.status_code == 200 and response["Content-Language"] == "en"
    main = strip_tags(response.content.decode().split("<main", 1)[-1].split("</main>", 1)[0])
    for title in [
        str(world.region),
        *ReportDeadline.objects.values_list("title", flat=True),
        *Campaign.objects.values_list("title", flat=True),
    ]:
        main = main.replace(title, "")  # reference data, stored as the gazette has it
    left = {word for word in CJK.findall(main) if not any(data in word for data in DATA)}
    assert not left, left
