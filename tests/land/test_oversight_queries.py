"""The oversight lists read in a number of queries that does not grow with their rows (no N+1)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from land import oversight
from land.models import ReportDeadline
from linfen_admin.models import Region

REGIONS = ["尧都区", "洪洞县", "古县", "吉县", "蒲县"]


@pytest.fixture(autouse=True)
def summer_2022():
    with time_machine.travel("2022-08-01 09:00", tick=False):
        yield


def grow(users, make_parcel, names):
    city = users["city_land"]
    plan = ReportDeadline.objects.get(level="county", due_on=datetime.date(2022, 5, 15))
    for name in names:
        region = Region.objects.get(name=name)
        supervision = oversight.supervision_open(
            actor=city,
            parcel=make_parcel(name),
            reason="长期未能消化处置",
            responsible_unit=f"{name}自然资源局",
            due_on=datetime.date(2022, 9, 30),
        )
        oversight.supervision_report(
            actor=city, supervision=supervision, reported_on=datetime.date(2022, 8, 1), progress="进展"
        )
        oversight.deadline_report_submit(
            actor=city, deadline=plan, region=region, upload=SimpleUploadedFile("方案.pdf", b"%PDF-1.4 x")
        )
        oversight.application_register(
            actor=city,
            data={
                "region": region,
                "project_name": f"{name}项目",
                "area_mu": Decimal("5"),
                "applied_on": datetime.date(2022, 8, 1),
            },
        )


@pytest.mark.parametrize(
    "url",
    [
        reverse("land:supervision-list"),
        reverse("land:report-status"),
        reverse("land:application-list"),
        reverse("land:dashboard") + "?year=2022&as_of=2022-08-01",
        "/api/v1/land/supervisions/",
        "/api/v1/land/deadline-reports/",
        "/api/v1/land/applications/",
        "/api/v1/land/report-status/?year=2022",
    ],
)
def test_queries_do_not_grow_with_the_rows(client, users, make_parcel, url):
    client.force_login(users["leader"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(users, make_parcel, REGIONS[:1])
    small = queries()
    grow(users, make_parcel, REGIONS[1:])
    assert queries() == small
