"""Reminder rules of the land app. Each ``collect(as_of)`` derives from the database what is due that day;
the engine sends at most one reminder per (rule, object, period, recipient)."""

import datetime
from collections.abc import Iterator
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin.models import Region
from linfen_admin.registry import Reminder, ReminderRule
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from . import rules, selectors
from .filtersets import STALE_DAYS, flag_q
from .models import Campaign, Parcel, ReportDeadline, TaskQuota
from .oversight import reminders as oversight_reminders

LOOKAHEAD_DAYS = 14


class _Recipients:
    """Who hears about a region's land: its county clerks and the city land bureau — read once per sweep (two
    queries), whatever the number of regions, parcels or reminders."""

    def __init__(self):
        self._clerks: dict[int, list] | None = None
        self._city: list | None = None

    def clerks(self, region_id: int) -> list:
        if self._clerks is None:
            self._clerks = {}
            for user in users_with_role(Role.COUNTY_LAND).exclude(region=None):
                self._clerks.setdefault(user.region_id, []).append(user)
        return self._clerks.get(region_id, [])

    def land(self, region_id: int) -> list:
        if self._city is None:
            self._city = list(users_with_role(Role.CITY_LAND))
        return [*self.clerks(region_id), *self._city]


def _campaign_progress(as_of: datetime.date):
    campaign = Campaign.objects.prefetch_related("milestones").filter(year=as_of.year).first()
    if campaign is None:
        return None, {}
    quotas = {q.region_id: q for q in TaskQuota.objects.filter(campaign=campaign).select_related("region")}
    return selectors.progress_for_campaign(campaign, as_of), quotas


def milestone_due(as_of: datetime.date) -> Iterator[Reminder]:
    """A region still below the next milestone within 14 days of it."""
    progress, quotas = _campaign_progress(as_of)
    if progress is None:
        return
    recipients = _Recipients()
    for row in progress.regions:
        upcoming = row.next_milestone
        quota = quotas.get(row.region.pk)
        if upcoming is None or quota is None or (upcoming.due_on - as_of).days > LOOKAHEAD_DAYS:
            continue
        behind = [
            kind
            for kind in (row.unsupplied, row.idle)
            if not rules.kind_meets(kind.done_mu, kind.task_mu, upcoming.percent)
        ]
        if not behind:
            continue
        yield Reminder(
            obj=quota,
            period=upcoming.due_on.isoformat(),
            recipients=recipients.land(row.region.pk),
            title=_("%(r)s 距 %(d)s 时间节点(%(p)s%%)不足 %(n)s 天,尚未达到")
            % {
                "r": row.region.name,
                "d": upcoming.due_on,
                "p": rules.percent_label(upcoming.percent),
                "n": LOOKAHEAD_DAYS,
            },
            body=_("批而未供完成 %(u)s%%,闲置土地完成 %(i)s%%。")
            % {"u": row.unsupplied.percent or "—", "i": row.idle.percent or "—"},
            url=reverse("land:dashboard") + f"?as_of={as_of.isoformat()}",
        )


def milestone_missed(as_of: datetime.date) -> Iterator[Reminder]:
    """A region that missed a milestone (once per milestone)."""
    progress, quotas = _campaign_progress(as_of)
    if progress is None:
        return
    recipients = _Recipients()
    for row in progress.regions:
        quota = quotas.get(row.region.pk)
        for milestone in row.milestones:
            if milestone.met is False and quota is not None:
                suspended = (
                    _(",已连续 %(n)s 次未完成,暂停受理建设用地报件") % {"n": row.consecutive_misses}
                    if row.suspended
                    else ""
                )
                yield Reminder(
                    obj=quota,
                    period=f"missed-{milestone.due_on.isoformat()}",
                    recipients=recipients.land(row.region.pk),
                    title=_("%(r)s 未完成 %(d)s 时间节点(%(p)s%%)%(s)s")
                    % {
                        "r": row.region.name,
                        "d": milestone.due_on,
                        "p": rules.percent_label(milestone.percent),
                        "s": suspended,
                    },
                    url=reverse("land:dashboard") + f"?as_of={as_of.isoformat()}",
                )


def _ledger_url(region, flag: str) -> str:
    return reverse("land:parcel-list") + "?" + urlencode({"region": region.name, "flag": flag})


def _counts_by_region(flag: str, as_of: datetime.date) -> Iterator[tuple[Region, int]]:
    """(region, number of parcels) for the ledger flag ``flag`` on ``as_of``, in the regions' order: one
    aggregate over the parcels, whatever their number."""
    counts = dict(
        Parcel.objects.filter(flag_q(flag, as_of))
        .exclude(status=Parcel.Status.DONE)
        .order_by()
        .values_list("region_id")
        .annotate(n=Count("pk"))
    )
    for region in Region.objects.filter(pk__in=counts).order_by("order", "pk"):
        yield region, counts[region.pk]


def _iso_week(as_of: datetime.date) -> str:
    year, week, _day = as_of.isocalendar()
    return f"{year}-W{week:02d}"


def parcel_stale(as_of: datetime.date) -> Iterator[Reminder]:
    """Parcels not yet disposed of and not updated for 30 days: one digest per region and ISO week to its county
    clerks — how many, and a link to exactly those parcels in the ledger (flag ``stale``). A county with 50,000
    parcels gets one notice a week, not 50,000."""
    recipients = _Recipients()
    week = _iso_week(as_of)
    for region, count in _counts_by_region("stale", as_of):
        yield Reminder(
            obj=region,
            period=week,
            recipients=recipients.clerks(region.pk),
            title=_("%(r)s 有 %(n)s 宗地块已超过 %(d)s 天未更新")
            % {"r": region.name, "n": count, "d": STALE_DAYS},
            body=_("请核实处置进展并在台账中更新。"),
            url=_ledger_url(region, "stale"),
        )


def idle_lines(as_of: datetime.date) -> Iterator[Reminder]:
    """Enterprise-caused idle land past one year (闲置费) and two years (无偿收回) after its agreed start: one digest
    per region, line and ISO week to the county clerks and the city land bureau, with the count and a link to
    those parcels in the ledger (flags ``idle_fee_due`` / ``reclaim_due``)."""
    recipients = _Recipients()
    week = _iso_week(as_of)
    for flag, line, label in (
        ("idle_fee_due", "1y", _("超过约定开工时间一年未动工,应征缴土地闲置费")),
        ("reclaim_due", "2y", _("超过约定开工时间两年未动工,应依法无偿收回")),
    ):
        for region, count in _counts_by_region(flag, as_of):
            yield Reminder(
                obj=region,
                period=f"{line}:{week}",
                recipients=recipients.land(region.pk),
                title=_("%(r)s 有 %(n)s 宗闲置土地%(l)s") % {"r": region.name, "n": count, "l": label},
                url=_ledger_url(region, flag),
            )


def report_deadline(as_of: datetime.date) -> Iterator[Reminder]:
    """A report due within 14 days: county reports to every county clerk, the city report to the city bureau."""
    deadlines = ReportDeadline.objects.filter(
        due_on__gte=as_of, due_on__lte=as_of + datetime.timedelta(days=LOOKAHEAD_DAYS)
    )
    by_role: dict[str, list] = {}
    for deadline in deadlines:
        role = Role.COUNTY_LAND if deadline.level == ReportDeadline.Level.COUNTY else Role.CITY_LAND
        if role not in by_role:
            by_role[role] = list(users_with_role(role))
        owing = oversight_reminders.not_yet_reported(deadline, by_role[role])  # stops once submitted
        if not owing:
            continue
        yield Reminder(
            obj=deadline,
            period=deadline.due_on.isoformat(),
            recipients=owing,
            title=_("报送提醒:%(t)s 须于 %(d)s 前报送") % {"t": deadline.title, "d": deadline.due_on},
            url=reverse("land:dashboard"),
        )


RULES = [
    ReminderRule("land.milestone_due", gettext_lazy("时间节点临近未达标"), milestone_due),
    ReminderRule("land.milestone_missed", gettext_lazy("时间节点未完成"), milestone_missed),
    ReminderRule("land.parcel_stale", gettext_lazy("宗地 30 天未更新"), parcel_stale),
    ReminderRule("land.idle_lines", gettext_lazy("闲置土地满一年、满两年"), idle_lines),
    ReminderRule("land.report_deadline", gettext_lazy("报送时限临近"), report_deadline),
    *oversight_reminders.RULES,
]
