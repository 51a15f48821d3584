"""The subsidies panel of the workbench: what waits in review and how much of the budget is committed."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from linfen_admin.registry import Figure

from . import selectors
from .models import State

WAITING = (State.COUNTY_REVIEW, State.CITY_REVIEW, State.EXPERT_REVIEW, State.PLANNED)


def subsidies_figures(user) -> list[Figure]:
    summary = selectors.pipeline_summary(user, breakdowns=False)
    stages = {stage["state"]: stage for stage in summary["stages"]}
    waiting = sum(stages[state]["count"] for state in WAITING)
    budget = sum((row["call"].budget_wan for row in summary["calls"]), Decimal("0"))
    committed = sum((row["committed_wan"] for row in summary["calls"]), Decimal("0"))
    url = reverse("subsidies:dashboard")
    return [
        Figure(_("申报总数"), str(summary["total"]), reverse("subsidies:application-list")),
        Figure(_("审核评审中"), str(waiting), url, "warn" if waiting else ""),
        Figure(_("已安排资金(万元)"), f"{committed:,.2f}", url),
        Figure(_("预算合计(万元)"), f"{budget:,.2f}", url),
    ]
