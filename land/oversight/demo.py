"""Demo rows of the procedures (``seed_demo``), written through the services: a 挂牌督办 listing with a progress
report in 尧都区 and in 洪洞县, each county's 实施方案 for the first report deadline, a 报件 in each."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linfen_admin.models import Region, User

from ..models import Campaign, LandApplication, Parcel, ReportDeadline, Supervision
from . import application_register, deadline_report_submit, supervision_open, supervision_report

PDF = b"%PDF-1.4\n% demo\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def load_oversight_demo() -> dict:
    city = User.objects.filter(username="city_land").first()
    if city is None or Supervision.objects.exists():
        return {}
    today = timezone.localdate()
    clerks = {"尧都区": "yaodu_land", "洪洞县": "hongdong_land"}
    campaign = Campaign.objects.filter(year=2022).first()
    deadline = (
        campaign.report_deadlines.filter(level=ReportDeadline.Level.COUNTY).order_by("due_on").first()
        if campaign
        else None
    )
    listed = 0
    for region_name, username in clerks.items():
        region = Region.objects.get(name=region_name)
        clerk = User.objects.filter(username=username).first() or city
        parcel = (
            Parcel.objects.filter(region=region, supervised=False)
            .exclude(status=Parcel.Status.DONE)
            .order_by("-area_mu", "pk")
            .first()
        )
        if parcel is None:
            continue
        supervision = supervision_open(
            actor=city,
            parcel=parcel,
            reason="批而未供土地长期未能消化处置(演示数据)",
            responsible_unit=f"{region_name}自然资源局",
            due_on=today + datetime.timedelta(days=30),
        )
        supervision_report(
            actor=clerk,
            supervision=supervision,
            reported_on=today,
            progress="已制定处置方案,正在办理供地手续(演示数据)",
            upload=_pdf("督办进展.pdf"),
        )
        listed += 1
        if deadline is not None:
            deadline_report_submit(actor=clerk, deadline=deadline, region=region, upload=_pdf("实施方案.pdf"))
        application_register(
            actor=clerk,
            data={
                "region": region,
                "project_name": f"{region_name}演示工业项目",
                "applicant": "演示用地单位",
                "area_mu": Decimal("25.500"),
                "applied_on": today,
                "category": LandApplication.Category.ORDINARY,
            },
        )
    return {"演示挂牌督办": listed}
