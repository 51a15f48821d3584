"""The documents the campaign's report deadlines ask for (五、工作步骤): each county's 实施方案 by 5-15 and 总结 by
12-25, the city bureau's report to the city government and the province by next year's 1-10.

A deadline's state for one region: 未报 (nothing yet), 已报 (the first document came on or before the deadline)
or 逾期报送 (it came later). The reminders of a deadline stop for whoever has reported."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin import audit
from linfen_admin.models import Region
from linfen_admin.scoping import regions_for, visible_to
from linfen_admin.writes import require_perm

from ..models import Campaign, DeadlineReport, ReportDeadline, TaskQuota
from . import files

CITY_PERMISSION = "land.submit_city_report"
STATES = {
    "pending": gettext_lazy("未报"),
    "submitted": gettext_lazy("已报"),
    "late": gettext_lazy("逾期报送"),
}


@transaction.atomic
def deadline_report_submit(
    *, actor, deadline: ReportDeadline, upload, region: Region | None = None, note: str = ""
) -> DeadlineReport:
    """Upload the document of one report deadline: a county's for its own region, the city bureau's for a
    city-level deadline. A second upload supplements the first (both kept)."""
    require_perm(actor, DeadlineReport, "add", _("无权报送材料。"))
    if deadline.level == ReportDeadline.Level.COUNTY:
        region = region or getattr(actor, "region", None)
        if region is None:
            raise ValidationError({"region": _("请选择报送的县(市、区)。")})
        if not regions_for(actor).filter(pk=region.pk).exists():
            raise PermissionDenied(_("只能处理本区域的数据"))
    else:
        if not actor.has_perm(CITY_PERMISSION):
            raise PermissionDenied(_("市级报送事项由市规划和自然资源局报送。"))
        region = None
    report = DeadlineReport(deadline=deadline, region=region, note=(note or "").strip(), submitted_by=actor)
    files.attach(report, upload)
    report.full_clean()
    report.save()
    audit.record_created(actor=actor, obj=report, comment=deadline.title)
    return report


# --- reads ------------------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet:
    return visible_to(user, DeadlineReport.objects.select_related("deadline", "region", "submitted_by"))


def report_state(due_on: datetime.date, first_submitted: datetime.datetime | None) -> str:
    """未报 / 已报 / 逾期报送 of one deadline for one reporter, from the time of its first document."""
    if first_submitted is None:
        return "pending"
    return "submitted" if timezone.localtime(first_submitted).date() <= due_on else "late"


@dataclass
class Cell:
    deadline: ReportDeadline
    state: str
    reports: list
    as_of: datetime.date

    @property
    def label(self) -> str:
        return str(STATES[self.state])

    @property
    def overdue(self) -> bool:
        """Not reported and the deadline has passed."""
        return self.state == "pending" and self.deadline.due_on < self.as_of


@dataclass
class Row:
    region: Region | None  # None: the city bureau
    cells: list[Cell]

    @property
    def name(self) -> str:
        return self.region.name if self.region else _("市规划和自然资源局")


def reporting_regions(campaign: Campaign) -> QuerySet:
    """Who reports a county deadline: the regions with a task quota in the campaign (附件 2), else all."""
    with_quota = Region.objects.filter(pk__in=TaskQuota.objects.filter(campaign=campaign).values("region_id"))
    return with_quota if with_quota.exists() else Region.objects.all()


def submitted_region_ids(deadline: ReportDeadline) -> set:
    """Regions that have reported for ``deadline`` (``None`` in the set: the city bureau has)."""
    return set(DeadlineReport.objects.filter(deadline=deadline).values_list("region_id", flat=True))


def report_matrix(user, campaign: Campaign, as_of: datetime.date) -> dict:
    """Deadline × region with state, for the regions (and, for city users, the city's deadlines) the user may
    see: ``{"county_deadlines", "city_deadlines", "rows", "city_row", "missing"}``."""
    deadlines = list(campaign.report_deadlines.all())
    county = [d for d in deadlines if d.level == ReportDeadline.Level.COUNTY]
    city = [d for d in deadlines if d.level == ReportDeadline.Level.CITY]
    reports: dict[tuple, list] = {}
    for report in reports_visible_to(user).filter(deadline__in=deadlines).order_by("submitted_at", "pk"):
        reports.setdefault((report.deadline_id, report.region_id), []).append(report)

    def cell(deadline, region_id):
        found = reports.get((deadline.pk, region_id), [])
        first = found[0].submitted_at if found else None
        return Cell(deadline, report_state(deadline.due_on, first), found, as_of)

    regions = reporting_regions(campaign).filter(pk__in=regions_for(user).values("pk"))
    rows = [Row(region, [cell(d, region.pk) for d in county]) for region in regions.order_by("order")]
    city_row = Row(None, [cell(d, None) for d in city]) if city and user.region_id is None else None
    missing = [
        (row.name, c.deadline.title)
        for row in [*rows, *([city_row] if city_row else [])]
        for c in row.cells
        if c.overdue
    ]
    return {
        "county_deadlines": county,
        "city_deadlines": city,
        "rows": rows,
        "city_row": city_row,
        "missing": missing,
    }
