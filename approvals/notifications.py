"""In-app notices queued on commit after a decision: to the departments that supervise the item afterwards."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linfen_admin.notifications import notify
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from .models import Case, Supervision

RULE = "approvals.supervision"


def notify_supervisors(case_id: int) -> int:
    """Tell the 监管执法人员 of each department whose supervision list the decided case entered (its own rows,
    ``Supervision``): inbox and the daily e-mail digest. Once per case and decision date. Returns how many
    notices were new."""
    case = Case.objects.select_related("item", "department", "location").get(pk=case_id)
    department_ids = list(Supervision.objects.filter(case=case).values_list("department_id", flat=True))
    if not department_ids:
        return 0
    recipients = users_with_role(Role.INSPECTOR).filter(department_id__in=department_ids)
    title = _("%(decision)s,请纳入事中事后监管:%(item)s · %(applicant)s") % {
        "decision": case.get_status_display(),
        "item": f"{case.item.number}. {case.item.name}",
        "applicant": case.applicant_name,
    }
    body = _("决定日期:%(on)s;审批部门:%(dept)s;申请人所在地:%(where)s。") % {
        "on": case.decided_on.isoformat(),
        "dept": case.department.name,
        "where": case.location.name if case.location else _("未填写"),
    }
    delivery = notify(
        rule=RULE,
        obj=case,
        period=f"decided:{case.decided_on.isoformat()}",
        recipients=recipients,
        title=title,
        body=body,
        url=reverse("approvals:supervision-list"),
    )
    return delivery.created
