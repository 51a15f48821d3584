"""The approvals panel of the workbench: open, due-soon and overdue cases of the user's department."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin.registry import Figure

from . import selectors
from .models import Case
from .rules.workdays import CalendarUnknown


def approvals_figures(user) -> list[Figure]:
    today = timezone.localdate()
    cases = selectors.cases_visible_to(user)
    open_cases = cases.filter(status=Case.Status.PENDING)
    overdue = selectors.overdue(cases, today).count()
    try:
        due_soon = str(selectors.due_soon(cases, today, calendar=selectors.work_calendar()).count())
    except CalendarUnknown:
        due_soon = "—"
    due_url = reverse("approvals:case-due")
    return [
        Figure(_("在办件"), str(open_cases.count()), reverse("approvals:case-list")),
        Figure(_("3 个工作日内到期"), due_soon, due_url, "warn" if due_soon not in ("0", "—") else ""),
        Figure(_("已超期"), str(overdue), due_url, "bad" if overdue else "ok"),
    ]
