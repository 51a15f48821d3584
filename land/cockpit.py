"""The land part of the cockpit and the dashboard's charts: each region against the milestone lines, the year's
cumulative disposals against the milestone targets, the ranking, the suspended regions and who is behind the next
milestone. Every bar and figure links to the ledger or dashboard behind it."""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from linfen_admin.registry import Chart, CockpitSection, Figure, Series
from linfen_admin.scoping import visible_to
from linfen_admin.templatetags.linfen import pct

from . import rules, selectors
from .models import DisposalDay

PERCENT = Decimal("0.01")


def truncated(percent: Decimal | None) -> Decimal | None:
    """Percentages are cut, never rounded up: 79.998 % stays below the 80 % line."""
    return None if percent is None else percent.quantize(PERCENT, rounding=ROUND_DOWN)


def _names(names: list[str], shown: int = 6) -> str:
    """A list a leader can read at a glance: the first few names, then how many more."""
    if len(names) <= shown:
        return "、".join(names)
    return _("%(names)s 等 %(n)s 个") % {"names": "、".join(names[:shown]), "n": len(names)}


def _ledger(**params) -> str:
    return reverse("land:parcel-list") + "?" + urlencode(params)


CHART_REGIONS = 40  # more bars than this are no picture: the cockpit then shows the regions furthest behind


def region_chart(progress, rows=None) -> Chart:
    """Each region's combined percent against the milestone lines — ``rows`` (e.g. the dashboard's page of the
    ranking) or all the user's regions; past ``CHART_REGIONS`` of them, the ones furthest behind."""
    title = _("各县(市、区)综合完成率与时间节点")
    if rows is None:
        rows = progress.regions
        if len(rows) > CHART_REGIONS:
            rows = sorted(rows, key=lambda r: (r.overall_percent_exact or 0, r.region.order))[:CHART_REGIONS]
            title = _("综合完成率最低的 %(n)s 个县(市、区)与时间节点") % {"n": CHART_REGIONS}
    rows = sorted(rows, key=lambda r: r.region.order)
    regions = len(progress.regions)
    return Chart(
        key="land-regions",
        title=title,
        kind="bar",
        unit="%",
        categories=[r.region.name for r in rows],
        series=[Series(_("综合完成率(%)"), [truncated(r.overall_percent_exact) for r in rows])],
        links=[_ledger(region=r.region.name) for r in rows],
        lines=[
            (f"{rules.percent_label(m.percent)}%", float(m.percent))
            for m in progress.campaign.milestones.all()
        ],
        extra_columns=[
            (_("排名"), [f"{r.rank} / {regions}" if r.rank else "—" for r in rows]),
            (_("暂停受理报件"), [_("是") if r.suspended else "" for r in rows]),
        ],
    )


def cumulative_chart(progress, user) -> Chart:
    """Disposed area (both kinds) summed day by day over the campaign year, against the milestone targets."""
    campaign, as_of = progress.campaign, progress.as_of
    start, end = datetime.date(campaign.year, 1, 1), datetime.date(campaign.year, 12, 31)
    daily = dict(
        visible_to(user, DisposalDay.objects.all())
        .filter(day__gte=start, day__lte=min(as_of, end))
        .order_by()
        .values_list("day")
        .annotate(area=Sum("area_mu"))
    )
    quota = progress.totals["unsupplied"].task_mu + progress.totals["idle"].task_mu
    targets = {m.due_on: rules.quantize_area(quota * m.percent / 100) for m in campaign.milestones.all()}
    days = sorted(
        {start + datetime.timedelta(days=7 * week) for week in range(53) if week * 7 < 366} | set(targets)
    )
    days = [day for day in days if day <= end]
    done, running, cursor = [], Decimal("0"), iter(sorted(daily.items()))
    pending = next(cursor, None)
    for day in days:
        while pending is not None and pending[0] <= day:
            running += pending[1]
            pending = next(cursor, None)
        done.append(rules.quantize_area(running) if day <= as_of else None)
    target_values = [targets.get(day, Decimal("0") if day == start else None) for day in days]
    return Chart(
        key="land-cumulative",
        title=_("全年累计处置面积与时间节点目标"),
        kind="line",
        unit=_("亩"),
        categories=[day.strftime("%m-%d") for day in days],
        series=[Series(_("累计处置(亩)"), done), Series(_("节点目标(亩)"), target_values)],
        links=[reverse("land:dashboard") + "?" + urlencode({"as_of": day.isoformat()}) for day in days],
    )


def land_section(user, as_of: datetime.date) -> CockpitSection:
    campaign = selectors.campaign_for_year(as_of.year)
    if campaign is None:
        return CockpitSection(figures=[], charts=[])
    progress = selectors.progress_for_campaign(campaign, as_of, user=user)
    totals = progress.totals
    dashboard = reverse("land:dashboard") + "?" + urlencode({"as_of": as_of.isoformat()})
    figures = [Figure(_("全市综合完成率"), pct(totals["percent_exact"] or 0), dashboard)]
    notes = []
    upcoming = next((m for m in campaign.milestones.all() if m.due_on >= as_of), None)
    if upcoming is not None:
        behind = [
            r.region.name
            for r in progress.regions
            if not all(rules.kind_meets(k.done_mu, k.task_mu, upcoming.percent) for k in r.kinds)
        ]
        days = (upcoming.due_on - as_of).days
        figures.append(
            Figure(_("距下一节点(天)"), str(days), dashboard, "warn" if days <= 14 and behind else "")
        )
        figures.append(Figure(_("未达下一节点"), str(len(behind)), dashboard, "bad" if behind else "ok"))
        if behind:
            notes.append(
                (
                    _("%(d)s 前应完成 %(p)s%%,尚未达到:%(names)s")
                    % {
                        "d": upcoming.due_on.isoformat(),
                        "p": rules.percent_label(upcoming.percent),
                        "names": _names(behind),
                    },
                    dashboard,
                )
            )
    suspended = totals["suspended_regions"]
    figures.append(Figure(_("暂停受理报件"), str(len(suspended)), dashboard, "bad" if suspended else "ok"))
    if suspended:
        notes.append((_("暂停受理建设用地报件:%(names)s") % {"names": _names(suspended)}, dashboard))
    ranked = sorted((r for r in progress.regions if r.rank), key=lambda r: r.rank)
    if ranked:
        notes.append(
            (
                _("排名前三:%(top)s;末位:%(last)s")
                % {"top": "、".join(r.region.name for r in ranked[:3]), "last": ranked[-1].region.name},
                dashboard,
            )
        )
    figures += oversight_figures(user, as_of)
    return CockpitSection(
        figures=figures, charts=[region_chart(progress), cumulative_chart(progress, user)], notes=notes
    )


def oversight_figures(user, as_of: datetime.date) -> list[Figure]:
    """挂牌督办 in progress (overdue ones) and the 报件 refused while suspended, for the user's regions."""
    from .models import LandApplication
    from .oversight import applications_visible_to
    from .oversight.supervision import counts

    figures = []
    if user.has_perm("land.view_supervision"):
        listed = counts(user, as_of)
        figures.append(
            Figure(
                _("挂牌督办(其中逾期)"),
                f"{listed['open']}({listed['overdue']})",
                reverse("land:supervision-list"),
                "bad" if listed["overdue"] else "",
            )
        )
    if user.has_perm("land.view_landapplication"):
        refused = applications_visible_to(user).filter(status=LandApplication.Status.REFUSED).count()
        figures.append(
            Figure(
                _("暂停期间未予受理报件"),
                str(refused),
                reverse("land:application-list") + "?status=refused",
                "bad" if refused else "",
            )
        )
    return figures
