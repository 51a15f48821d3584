"""Reminder rules: an open case (or complaint) due within 3 working days, and one past its due date.

Both kinds are built by ``DeadlineReminders``: the open records of a model with ``due_on`` and the model's own
``due_soon_q`` / ``overdue_q``, their recipients, and their words. Cases go to the approval officers of the
handling department; complaints to the assigned department's inspectors and approval officers. ``period``
carries the due date, so an extended case (new due date) is reminded again, but the same due date never twice.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin.registry import Reminder, ReminderRule
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from .models import Case, Complaint
from .rules.workdays import CalendarUnknown, due_soon_horizon
from .selectors import work_calendar

logger = logging.getLogger(__name__)


def by_department(*roles) -> Callable:
    """``recipients(obj, cache)``: the users holding ``roles`` in ``obj.department``, all read in one query per
    sweep (``cache`` lives for one sweep)."""

    def recipients(obj, cache: dict) -> list:
        if not cache:
            cache[None] = []
            for user in users_with_role(*roles).exclude(department=None):
                cache.setdefault(user.department_id, []).append(user)
        return cache.get(obj.department_id, [])

    return recipients


@dataclass(frozen=True)
class DeadlineReminders:
    """The due-soon and overdue rules of one kind of open record with a due date (``due_on``)."""

    key: str  # "case" → rules "approvals.case_due_soon" and "approvals.case_overdue"
    open_records: Callable  # () → queryset of the open records
    model: type  # declares due_soon_q(today, horizon) and overdue_q(today)
    recipients: Callable  # (record, cache) → users
    due_soon_title: Callable  # record → words
    due_soon_body: Callable
    overdue_title: Callable
    overdue_body: Callable
    url_name: str

    def _reminder(self, record, cache: dict, period: str, title: str, body: str) -> Reminder:
        return Reminder(
            obj=record,
            period=period,
            recipients=self.recipients(record, cache),
            title=title,
            body=body,
            url=reverse(self.url_name, args=[record.pk]),
        )

    def collect_due_soon(self, as_of: datetime.date):
        try:
            horizon = due_soon_horizon(as_of, calendar=work_calendar())
        except CalendarUnknown:
            logger.error(
                "approvals.%s_due_soon: no official calendar for %s, nothing collected", self.key, as_of
            )
            return
        cache: dict = {}
        records = self.open_records().filter(self.model.due_soon_q(as_of, horizon))
        for record in records.iterator(chunk_size=2000):
            yield self._reminder(
                record,
                cache,
                f"due:{record.due_on.isoformat()}",
                self.due_soon_title(record),
                self.due_soon_body(record),
            )

    def collect_overdue(self, as_of: datetime.date):
        cache: dict = {}
        for record in self.open_records().filter(self.model.overdue_q(as_of)).iterator(chunk_size=2000):
            yield self._reminder(
                record,
                cache,
                f"overdue:{record.due_on.isoformat()}",
                self.overdue_title(record),
                self.overdue_body(record),
            )

    def rules(self, due_soon_label, overdue_label) -> list[ReminderRule]:
        return [
            ReminderRule(f"approvals.{self.key}_due_soon", due_soon_label, self.collect_due_soon),
            ReminderRule(f"approvals.{self.key}_overdue", overdue_label, self.collect_overdue),
        ]


CASES = DeadlineReminders(
    key="case",
    open_records=lambda: Case.objects.filter(status=Case.Status.PENDING).select_related(
        "item", "department", "region"
    ),
    model=Case,
    recipients=by_department(Role.APPROVAL_OFFICER),
    due_soon_title=lambda case: _("办件临期:%(case)s 将于 %(due)s 到期") % {"case": case, "due": case.due_on},
    due_soon_body=lambda case: (
        _("承办部门:%(dept)s;受理日期:%(acc)s。") % {"dept": case.department, "acc": case.accepted_on}
    ),
    overdue_title=lambda case: _("办件超期:%(case)s 已于 %(due)s 到期") % {"case": case, "due": case.due_on},
    overdue_body=lambda case: _("承办部门:%(dept)s;请尽快作出决定。") % {"dept": case.department},
    url_name="approvals:case-detail",
)
COMPLAINTS = DeadlineReminders(
    key="complaint",
    open_records=lambda: Complaint.objects.filter(status=Complaint.Status.OPEN).select_related(
        "item", "department", "region"
    ),
    model=Complaint,
    recipients=by_department(Role.INSPECTOR, Role.APPROVAL_OFFICER),
    due_soon_title=lambda c: _("投诉举报临期:%(c)s 将于 %(due)s 到期") % {"c": c, "due": c.due_on},
    due_soon_body=lambda c: (
        _("监管部门:%(dept)s;收到日期:%(on)s。") % {"dept": c.department, "on": c.received_on}
    ),
    overdue_title=lambda c: _("投诉举报超期:%(c)s 已于 %(due)s 到期") % {"c": c, "due": c.due_on},
    overdue_body=lambda c: _("监管部门:%(dept)s;请尽快办结并答复。") % {"dept": c.department},
    url_name="approvals:complaint-detail",
)

collect_due_soon = CASES.collect_due_soon
collect_overdue = CASES.collect_overdue
collect_complaint_due_soon = COMPLAINTS.collect_due_soon
collect_complaint_overdue = COMPLAINTS.collect_overdue

RULES = [
    *CASES.rules(gettext_lazy("审批办件 3 个工作日内到期"), gettext_lazy("审批办件已超期")),
    *COMPLAINTS.rules(gettext_lazy("投诉举报 3 个工作日内到期"), gettext_lazy("投诉举报已超期")),
]
