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

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from linfen_admin.models import Department, Region
from linfen_admin.registry import ObjectRef, Reminder, ReminderRule, detail_url
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from .models import Case, Complaint, Item
from .rules.workdays import CalendarUnknown, due_soon_horizon
from .selectors import work_calendar

logger = logging.getLogger(__name__)


def by_department(*roles) -> Callable[[], dict[int, list]]:
    """``recipients()``: {department id: the users holding ``roles`` there}, read in one query (once per sweep)."""

    def recipients() -> dict[int, list]:
        book: dict[int, list] = {}
        for user in users_with_role(*roles).exclude(department=None):
            book.setdefault(user.department_id, []).append(user)
        return book

    return recipients


class _Names:
    """The names a reminder's words need — items, departments, regions — read once per sweep (three small
    tables), so that each record is read as plain values."""

    def __init__(self):
        self.items = dict(Item.objects.values_list("pk", "number"))
        self.departments = {department.pk: str(department) for department in Department.objects.all()}
        self.regions = {region.pk: str(region) for region in Region.objects.all()}


@dataclass(frozen=True)
class DeadlineReminders:
    """The due-soon and overdue rules of one kind of open record with a due date (``due_on``).

    A sweep may meet hundreds of thousands of overdue records, so they are read as values (``fields``, besides the
    key, the due date and the department), only in departments that have someone to tell, and the words are
    translated once per sweep: a reminder costs a dictionary, not a model instance, a ``reverse()`` and a
    translation lookup."""

    key: str  # "case" → rules "approvals.case_due_soon" and "approvals.case_overdue"
    open_records: Callable  # () → queryset of the open records
    model: type  # declares due_soon_q(today, horizon) and overdue_q(today)
    recipients: Callable  # () → {department id: users}
    fields: tuple[str, ...]
    words: Callable  # (row, names) → the placeholders of the titles and bodies below
    due_soon_title: Promise
    due_soon_body: Promise
    overdue_title: Promise
    overdue_body: Promise
    url_name: str

    def _collect(self, records, period: str, title: Promise, body: Promise):
        book = self.recipients()
        names = _Names()
        url = detail_url(self.url_name)
        title, body = str(title), str(body)
        rows = (
            records.filter(department_id__in=list(book))
            .order_by("due_on", "pk")
            .values("pk", "due_on", "department_id", *self.fields)
        )
        for row in rows.iterator(chunk_size=2000):
            words = self.words(row, names)
            yield Reminder(
                obj=ObjectRef(self.model, row["pk"]),
                period=f"{period}:{row['due_on'].isoformat()}",
                recipients=book[row["department_id"]],
                title=title % words,
                body=body % words,
                url=url(row["pk"]),
            )

    def collect_due_soon(self, as_of: datetime.date):
        try:
            horizon = due_soon_horizon(as_of, calendar=work_calendar())
        except CalendarUnknown:
            logger.error(
                "approvals.%s_due_soon: no official calendar for %s, nothing collected", self.key, as_of
            )
            return
        records = self.open_records().filter(self.model.due_soon_q(as_of, horizon))
        yield from self._collect(records, "due", self.due_soon_title, self.due_soon_body)

    def collect_overdue(self, as_of: datetime.date):
        records = self.open_records().filter(self.model.overdue_q(as_of))
        yield from self._collect(records, "overdue", self.overdue_title, self.overdue_body)

    def rules(self, due_soon_label, overdue_label) -> list[ReminderRule]:
        return [
            ReminderRule(f"approvals.{self.key}_due_soon", due_soon_label, self.collect_due_soon),
            ReminderRule(f"approvals.{self.key}_overdue", overdue_label, self.collect_overdue),
        ]


def _case_words(row, names: _Names) -> dict:
    return {
        "case": f"{names.items[row['item_id']]}号事项 · {row['applicant_name']}",  # as Case.__str__
        "due": row["due_on"],
        "dept": names.departments[row["department_id"]],
        "acc": row["accepted_on"],
    }


def _complaint_words(row, names: _Names) -> dict:
    received = row["received_on"]
    return {
        "c": f"{names.items[row['item_id']]}号事项 · {names.regions[row['region_id']]} · {received}",  # __str__
        "due": row["due_on"],
        "dept": names.departments[row["department_id"]],
        "on": received,
    }


CASES = DeadlineReminders(
    key="case",
    open_records=lambda: Case.objects.filter(status=Case.Status.PENDING),
    model=Case,
    recipients=by_department(Role.APPROVAL_OFFICER),
    fields=("item_id", "applicant_name", "accepted_on"),
    words=_case_words,
    due_soon_title=gettext_lazy("办件临期:%(case)s 将于 %(due)s 到期"),
    due_soon_body=gettext_lazy("承办部门:%(dept)s;受理日期:%(acc)s。"),
    overdue_title=gettext_lazy("办件超期:%(case)s 已于 %(due)s 到期"),
    overdue_body=gettext_lazy("承办部门:%(dept)s;请尽快作出决定。"),
    url_name="approvals:case-detail",
)
COMPLAINTS = DeadlineReminders(
    key="complaint",
    open_records=lambda: Complaint.objects.filter(status=Complaint.Status.OPEN),
    model=Complaint,
    recipients=by_department(Role.INSPECTOR, Role.APPROVAL_OFFICER),
    fields=("item_id", "region_id", "received_on"),
    words=_complaint_words,
    due_soon_title=gettext_lazy("投诉举报临期:%(c)s 将于 %(due)s 到期"),
    due_soon_body=gettext_lazy("监管部门:%(dept)s;收到日期:%(on)s。"),
    overdue_title=gettext_lazy("投诉举报超期:%(c)s 已于 %(due)s 到期"),
    overdue_body=gettext_lazy("监管部门:%(dept)s;请尽快办结并答复。"),
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
