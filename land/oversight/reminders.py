"""Reminder rules of the procedures: a 挂牌督办 listing due within 7 days and, once past its deadline, weekly
until lifted; a report deadline passed without the region's (or the city's) document, weekly until it comes."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin.registry import Reminder, ReminderRule
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from ..models import Campaign, ReportDeadline, Supervision
from .reports import reporting_regions, submitted_region_ids
from .supervision import DUE_SOON_DAYS


class Recipients:
    """A region's county land clerks and the city land bureau, read once per sweep."""

    def __init__(self):
        self._clerks: dict | None = None
        self._city: list | None = None

    def clerks(self, region_id) -> list:
        if self._clerks is None:
            self._clerks = {}
            for user in users_with_role(Role.COUNTY_LAND).exclude(region=None):
                self._clerks.setdefault(user.region_id, []).append(user)
        return self._clerks.get(region_id, [])

    def city(self) -> list:
        if self._city is None:
            self._city = list(users_with_role(Role.CITY_LAND))
        return self._city


def _week(as_of: datetime.date) -> str:
    year, week, _day = as_of.isocalendar()
    return f"{year}-W{week:02d}"


def _target(supervision: Supervision) -> str:
    if supervision.parcel_id:
        return f"{supervision.parcel.code} {supervision.parcel.name}"
    return _("%(r)s 清理任务") % {"r": supervision.region.name}


def supervision_due(as_of: datetime.date) -> Iterator[Reminder]:
    """An open 挂牌督办 listing whose deadline is within 7 days (once per listing and deadline)."""
    recipients = Recipients()
    listings = Supervision.objects.filter(
        status=Supervision.Status.OPEN,
        due_on__gte=as_of,
        due_on__lte=as_of + datetime.timedelta(days=DUE_SOON_DAYS),
    ).select_related("region", "parcel")
    for supervision in listings.order_by("due_on", "pk"):
        yield Reminder(
            obj=supervision,
            period=f"due-{supervision.due_on.isoformat()}",
            recipients=[*recipients.clerks(supervision.region_id), *recipients.city()],
            title=_("挂牌督办 %(t)s 将于 %(d)s 到期,责任单位:%(u)s")
            % {"t": _target(supervision), "d": supervision.due_on, "u": supervision.responsible_unit},
            url=reverse("land:supervision-detail", args=[supervision.pk]),
        )


def supervision_overdue(as_of: datetime.date) -> Iterator[Reminder]:
    """An open listing past its deadline: weekly until the city lifts it."""
    recipients = Recipients()
    listings = Supervision.objects.filter(status=Supervision.Status.OPEN, due_on__lt=as_of)
    for supervision in listings.select_related("region", "parcel").order_by("due_on", "pk"):
        yield Reminder(
            obj=supervision,
            period=_week(as_of),
            recipients=[*recipients.clerks(supervision.region_id), *recipients.city()],
            title=_("挂牌督办 %(t)s 已超过办结期限 %(d)s,尚未解除")
            % {"t": _target(supervision), "d": supervision.due_on},
            url=reverse("land:supervision-detail", args=[supervision.pk]),
        )


def report_overdue(as_of: datetime.date) -> Iterator[Reminder]:
    """A report deadline passed without the document: the region's clerks (or the city bureau), weekly until
    it is submitted."""
    recipients = Recipients()
    url = reverse("land:report-status")
    for campaign in Campaign.objects.filter(report_deadlines__due_on__lt=as_of).distinct():
        regions = list(reporting_regions(campaign))
        for deadline in campaign.report_deadlines.filter(due_on__lt=as_of):
            done = submitted_region_ids(deadline)
            title = _("逾期未报:%(t)s 应于 %(d)s 前报送") % {"t": deadline.title, "d": deadline.due_on}
            if deadline.level == ReportDeadline.Level.CITY:
                if None not in done:
                    yield Reminder(
                        obj=deadline, period=_week(as_of), recipients=recipients.city(), title=title, url=url
                    )
                continue
            late = [r for r in regions if r.pk not in done]
            who = [user for region in late for user in recipients.clerks(region.pk)]
            if who:
                yield Reminder(obj=deadline, period=_week(as_of), recipients=who, title=title, url=url)


def not_yet_reported(deadline: ReportDeadline, users: list) -> list:
    """The recipients of a deadline's reminder who still owe its document (the reminders stop once submitted)."""
    done = submitted_region_ids(deadline)
    if deadline.level == ReportDeadline.Level.CITY:
        return [] if None in done else users
    return [user for user in users if user.region_id not in done]


RULES = [
    ReminderRule("land.supervision_due", gettext_lazy("挂牌督办临近办结期限"), supervision_due),
    ReminderRule("land.supervision_overdue", gettext_lazy("挂牌督办超过办结期限"), supervision_overdue),
    ReminderRule("land.report_overdue", gettext_lazy("报送事项逾期未报"), report_overdue),
]
