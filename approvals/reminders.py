"""Reminder rules: an open case due within 3 working days, and an open case past its due date.

Recipients are the approval officers of the case's handling department. ``period`` carries the due date, so an
extended case (new due date) is reminded again, but the same due date never twice.
"""

import datetime
import logging

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


def _officers(case: Case, cache: dict) -> list:
    """The approval officers of the case's department: all of them read in one query per sweep."""
    if not cache:
        cache[None] = []
        for user in users_with_role(Role.APPROVAL_OFFICER).exclude(department=None):
            cache.setdefault(user.department_id, []).append(user)
    return cache.get(case.department_id, [])


def _open_cases():
    return Case.objects.filter(status=Case.Status.PENDING).select_related("item", "department", "region")


def collect_due_soon(as_of: datetime.date):
    try:
        horizon = due_soon_horizon(as_of, calendar=work_calendar())
    except CalendarUnknown:
        logger.error("approvals.case_due_soon: no official calendar for %s, nothing collected", as_of)
        return
    cache: dict = {}
    for case in _open_cases().filter(Case.due_soon_q(as_of, horizon)).iterator(chunk_size=2000):
        yield Reminder(
            obj=case,
            period=f"due:{case.due_on.isoformat()}",
            recipients=_officers(case, cache),
            title=_("办件临期:%(case)s 将于 %(due)s 到期") % {"case": case, "due": case.due_on},
            body=_("承办部门:%(dept)s;受理日期:%(acc)s。")
            % {"dept": case.department, "acc": case.accepted_on},
            url=reverse("approvals:case-detail", args=[case.pk]),
        )


def collect_overdue(as_of: datetime.date):
    cache: dict = {}
    for case in _open_cases().filter(Case.overdue_q(as_of)).iterator(chunk_size=2000):
        yield Reminder(
            obj=case,
            period=f"overdue:{case.due_on.isoformat()}",
            recipients=_officers(case, cache),
            title=_("办件超期:%(case)s 已于 %(due)s 到期") % {"case": case, "due": case.due_on},
            body=_("承办部门:%(dept)s;请尽快作出决定。") % {"dept": case.department},
            url=reverse("approvals:case-detail", args=[case.pk]),
        )


def _handlers(complaint: Complaint, cache: dict) -> list:
    """The assigned department's inspectors and approval officers: all read in one query per sweep."""
    if not cache:
        cache[None] = []
        for user in users_with_role(Role.INSPECTOR, Role.APPROVAL_OFFICER).exclude(department=None):
            cache.setdefault(user.department_id, []).append(user)
    return cache.get(complaint.department_id, [])


def _open_complaints():
    return Complaint.objects.filter(status=Complaint.Status.OPEN).select_related(
        "item", "department", "region"
    )


def collect_complaint_due_soon(as_of: datetime.date):
    try:
        horizon = due_soon_horizon(as_of, calendar=work_calendar())
    except CalendarUnknown:
        logger.error("approvals.complaint_due_soon: no official calendar for %s, nothing collected", as_of)
        return
    cache: dict = {}
    for complaint in (
        _open_complaints().filter(Complaint.due_soon_q(as_of, horizon)).iterator(chunk_size=2000)
    ):
        yield Reminder(
            obj=complaint,
            period=f"due:{complaint.due_on.isoformat()}",
            recipients=_handlers(complaint, cache),
            title=_("投诉举报临期:%(c)s 将于 %(due)s 到期") % {"c": complaint, "due": complaint.due_on},
            body=_("监管部门:%(dept)s;收到日期:%(on)s。")
            % {"dept": complaint.department, "on": complaint.received_on},
            url=reverse("approvals:complaint-detail", args=[complaint.pk]),
        )


def collect_complaint_overdue(as_of: datetime.date):
    cache: dict = {}
    for complaint in _open_complaints().filter(Complaint.overdue_q(as_of)).iterator(chunk_size=2000):
        yield Reminder(
            obj=complaint,
            period=f"overdue:{complaint.due_on.isoformat()}",
            recipients=_handlers(complaint, cache),
            title=_("投诉举报超期:%(c)s 已于 %(due)s 到期") % {"c": complaint, "due": complaint.due_on},
            body=_("监管部门:%(dept)s;请尽快办结并答复。") % {"dept": complaint.department},
            url=reverse("approvals:complaint-detail", args=[complaint.pk]),
        )


RULES = [
    ReminderRule("approvals.case_due_soon", gettext_lazy("审批办件 3 个工作日内到期"), collect_due_soon),
    ReminderRule("approvals.case_overdue", gettext_lazy("审批办件已超期"), collect_overdue),
    ReminderRule(
        "approvals.complaint_due_soon", gettext_lazy("投诉举报 3 个工作日内到期"), collect_complaint_due_soon
    ),
    ReminderRule("approvals.complaint_overdue", gettext_lazy("投诉举报已超期"), collect_complaint_overdue),
]
