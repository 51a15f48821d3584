"""The approvals part of the cockpit and the overview's chart: cases due within 3 working days and overdue per
handling department (the department names its region), draw coverage and the handover status."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from linfen_admin.models import Department
from linfen_admin.registry import Chart, CockpitSection, Figure, Series

from . import selectors
from .models import Case, InspectionDraw, Item
from .rules.workdays import CalendarUnknown, due_soon_horizon


def _cases(**params) -> str:
    return reverse("approvals:case-list") + "?" + urlencode(params)


def open_by_department(user, as_of: datetime.date) -> list[dict]:
    """Per handling department: its open cases, those due within 3 working days and those overdue. Counted over the
    open cases' (department, due date) index alone — at a million cases one index, not every open case joined to
    its department and region; the section's totals are the sums of these rows."""
    try:
        horizon = due_soon_horizon(as_of, calendar=selectors.work_calendar())
        due_soon = Count("due_on", filter=Case.due_soon_q(as_of, horizon))
    except CalendarUnknown:
        due_soon = Count("due_on", filter=Q(pk__in=[]))
    return list(
        selectors.cases_visible_to(user)
        .filter(status=Case.Status.PENDING)
        .order_by()
        .values("department")
        .annotate(open=Count("*"), due_soon=due_soon, overdue=Count("due_on", filter=Case.overdue_q(as_of)))
    )


def deadline_chart(user, as_of: datetime.date, counts: list[dict] | None = None) -> Chart:
    if counts is None:
        counts = open_by_department(user, as_of)
    counts = [row for row in counts if row["due_soon"] or row["overdue"]]
    departments = Department.objects.select_related("region").in_bulk([row["department"] for row in counts])
    rows = sorted(
        (
            {
                **row,
                "department__name": departments[row["department"]].name,
                "region__name": getattr(departments[row["department"]].region, "name", ""),
            }
            for row in counts
        ),
        key=lambda row: row["department__name"],
    )
    return Chart(
        key="approvals-deadlines",
        title=_("各承办部门临期和超期办件"),
        kind="stacked",
        unit=_("件"),
        categories=[row["department__name"] for row in rows],
        series=[
            Series(_("3 个工作日内到期"), [row["due_soon"] for row in rows]),
            Series(_("已超期"), [row["overdue"] for row in rows]),
        ],
        links=[_cases(department=row["department"], due="overdue") for row in rows],
        extra_columns=[(_("区域"), [row["region__name"] or "" for row in rows])],
    )


def approvals_section(user, as_of: datetime.date) -> CockpitSection:
    counts = open_by_department(user, as_of)
    overdue = sum(row["overdue"] for row in counts)
    year_draws = InspectionDraw.objects.filter(drawn_on__year=as_of.year)
    drawn_items = year_draws.values("item").distinct().count()
    handovers = selectors.coverage_totals()
    figures = [
        Figure(_("在办件"), str(sum(row["open"] for row in counts)), _cases(status="pending")),
        Figure(_("已超期"), str(overdue), _cases(due="overdue"), "bad" if overdue else "ok"),
        Figure(
            _("本年已抽查事项"), f"{drawn_items} / {Item.objects.count()}", reverse("approvals:draw-list")
        ),
    ]
    handover = reverse("approvals:handover")
    notes = [
        (
            _("承接:已接收 %(r)s / %(t)s,已培训 %(s)s / %(t)s,首件办结 %(h)s / %(t)s")
            % {
                "r": handovers["received"],
                "s": handovers["trained"],
                "h": handovers["handled"],
                "t": handovers["total"],
            },
            handover,
        )
    ]
    return CockpitSection(figures=figures, charts=[deadline_chart(user, as_of, counts)], notes=notes)
