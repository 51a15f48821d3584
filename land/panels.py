"""The land panel of the workbench: the campaign's progress as seen today, for the user's regions."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin.registry import Figure
from linfen_admin.templatetags.linfen import pct

from . import selectors


def land_figures(user) -> list[Figure]:
    campaign = selectors.campaign_for_year(None)
    if campaign is None:
        return []
    as_of = min(timezone.localdate(), datetime.date(campaign.year, 12, 31))
    progress = selectors.progress_for_campaign(campaign, as_of, user=user)
    totals = progress.totals
    url = f"{reverse('land:dashboard')}?year={campaign.year}&as_of={as_of.isoformat()}"
    suspended = totals["suspended_regions"]
    upcoming = next((m for m in campaign.milestones.all() if m.due_on >= as_of), None)
    return [
        Figure(
            _("%(year)s 年批而未供消化") % {"year": campaign.year},
            pct(totals["unsupplied"].percent_exact),
            url,
        ),
        Figure(_("闲置土地处置"), pct(totals["idle"].percent_exact), url),
        Figure(_("暂停受理报件的县(市、区)"), str(len(suspended)), url, "bad" if suspended else "ok"),
        Figure(
            _("下一时间节点"),
            f"{upcoming.due_on:%m-%d} · {upcoming.percent:g}%" if upcoming else _("已全部到期"),
            url,
        ),
    ]
