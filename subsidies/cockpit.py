"""The subsidies part of the cockpit and the dashboard's charts: applications per workflow state (a funnel),
budget used per call, awards by 第七条 category. Each slice and bar opens the filtered list behind it."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from linfen_admin.registry import Chart, CockpitSection, Figure, Series
from linfen_admin.templatetags.linfen import pct

from . import selectors
from .models import Category, State

ZERO = Decimal("0.00")
# The funnel follows the review steps in order; returned and rejected files sit beside it, in the table.
FUNNEL_STATES = (
    State.DRAFT,
    State.COUNTY_REVIEW,
    State.CITY_REVIEW,
    State.EXPERT_REVIEW,
    State.PLANNED,
    State.APPROVED,
    State.DISBURSED,
    State.EVALUATED,
    State.CLOSED,
)


def _list(**params) -> str:
    return reverse("subsidies:application-list") + "?" + urlencode(params)


def funnel_chart(summary: dict) -> Chart:
    stages = {stage["state"]: stage for stage in summary["stages"]}
    states = [state for state in FUNNEL_STATES if state in stages]
    return Chart(
        key="subsidies-funnel",
        title=_("各环节申报数"),
        kind="funnel",
        unit=_("件"),
        categories=[stages[state]["label"] for state in states],
        series=[Series(_("申报数"), [stages[state]["count"] for state in states])],
        links=[_list(state=state) for state in states],
    )


def budget_chart(summary: dict) -> Chart:
    calls = summary["calls"]
    return Chart(
        key="subsidies-budget",
        title=_("各申报通知预算使用"),
        kind="bar",
        unit=_("万元"),
        categories=[f"{row['call'].year} {row['call'].get_domain_display()}" for row in calls],
        series=[
            Series(_("预算(万元)"), [row["call"].budget_wan for row in calls]),
            Series(_("已安排(万元)"), [row["committed_wan"] for row in calls]),
        ],
        links=[reverse("subsidies:call-plan", args=[row["call"].pk]) for row in calls],
        extra_columns=[(_("使用率"), [pct(row["percent"]) for row in calls])],
    )


def category_chart(summary: dict) -> Chart:
    rows = summary["categories"]
    categories = [(value, label) for value, label in Category.choices]
    return Chart(
        key="subsidies-categories",
        title=_("按第七条奖励类别的已安排资金"),
        kind="pie",
        unit=_("万元"),
        categories=[str(label) for _value, label in categories],
        series=[Series(_("已安排(万元)"), [rows.get(value, ZERO) for value, _label in categories])],
        links=[_list(category=value) for value, _label in categories],
    )


def subsidies_section(user, as_of: datetime.date) -> CockpitSection:
    summary = selectors.pipeline_summary(user, breakdowns=False)
    stages = {stage["state"]: stage for stage in summary["stages"]}
    in_review = sum(stages[s]["count"] for s in (State.COUNTY_REVIEW, State.CITY_REVIEW, State.EXPERT_REVIEW))
    committed = sum((row["committed_wan"] for row in summary["calls"]), ZERO)
    budget = sum((row["call"].budget_wan for row in summary["calls"]), ZERO)
    dashboard = reverse("subsidies:dashboard")
    figures = [
        Figure(_("申报总数"), str(summary["total"]), _list()),
        Figure(_("审核评审中"), str(in_review), _list(state=State.CITY_REVIEW), "warn" if in_review else ""),
        Figure(_("已安排(万元)"), f"{committed:,.2f}", dashboard),
        Figure(
            _("预算使用率"),
            pct(committed / budget * 100 if budget else 0),
            dashboard,
        ),
    ]
    return CockpitSection(
        figures=figures, charts=[funnel_chart(summary), budget_chart(summary), category_chart(summary)]
    )
