"""投诉举报: received and assigned to a supervising department with a time limit, then handled with a result."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.models import Department, Region
from linfen_admin.scoping import editable_by, require_region
from linfen_admin.writes import require_actor

from ..models import Complaint, Item, LicensedEntity
from ..rules.workdays import add_working_days
from ..selectors import complaint_departments, receiving_department_in, work_calendar


class ComplaintConflict(Exception):
    """The complaint's state does not allow the step (API: 409)."""


@transaction.atomic
def complaint_create(
    *,
    actor,
    item: Item,
    region: Region,
    department: Department,
    received_on: datetime.date,
    source: str,
    content: str,
    complainant: str = "",
    complainant_contact: str = "",
    limit_days: int | None = None,
    entity: LicensedEntity | None = None,
) -> Complaint:
    """Register a complaint about ``item`` in ``region`` and assign it to one of the item's supervising departments
    there. The due date is ``limit_days`` working days after receipt (default 15, ``Complaint.DEFAULT_LIMIT_DAYS``)."""
    require_actor(actor)
    if not actor.is_superuser and not actor.has_perm("approvals.add_complaint"):
        raise PermissionDenied(_("您无权登记投诉举报。"))
    require_region(actor, region)
    allowed = complaint_departments(item, region)
    if department not in allowed:
        raise ValidationError(
            {
                "department": _("该事项在该区域的监管部门为:%(names)s。")
                % {"names": "、".join(d.name for d in allowed) or "—"}
            }
        )
    if entity is not None and (entity.item_id != item.pk):
        raise ValidationError({"entity": _("被投诉主体不是该事项的持证主体。")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收到日期不能晚于今天。")})
    limit_days = limit_days or Complaint.DEFAULT_LIMIT_DAYS
    if not 1 <= limit_days <= 60:
        raise ValidationError({"limit_days": _("办理时限应在 1 到 60 个工作日之间。")})
    complaint = Complaint(
        item=item,
        region=region,
        receiving_department=receiving_department_in(item, region),
        department=department,
        entity=entity,
        received_on=received_on,
        source=source,
        content=(content or "").strip(),
        complainant=(complainant or "").strip(),
        complainant_contact=(complainant_contact or "").strip(),
        limit_days=limit_days,
        due_on=add_working_days(received_on, limit_days, calendar=work_calendar()),
        created_by=actor,
    )
    complaint.full_clean()
    complaint.save()
    audit.record_created(
        actor=actor,
        obj=complaint,
        comment=_("交%(dept)s办理,期限 %(due)s") % {"dept": department, "due": complaint.due_on},
    )
    return complaint


@transaction.atomic
def complaint_handle(*, actor, complaint: Complaint, result: str, handled_on: datetime.date) -> Complaint:
    """办结: the result and its date, by the assigned department's own users."""
    require_actor(actor)
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not editable_by(actor, Complaint.objects.filter(pk=locked.pk)).exists():
        raise PermissionDenied(_("只有承办该投诉举报的监管部门才能办结。"))
    if not locked.is_open:
        raise ComplaintConflict(_("该投诉举报已办结。"))
    errors = {}
    if not (result or "").strip():
        errors["result"] = _("请填写办理结果。")
    if handled_on is None:
        errors["handled_on"] = _("请填写办结日期。")
    elif handled_on < locked.received_on:
        errors["handled_on"] = _("办结日期不能早于收到日期。")
    elif handled_on > timezone.localdate():
        errors["handled_on"] = _("办结日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked)
    locked.status, locked.result, locked.handled_on, locked.handled_by = (
        Complaint.Status.HANDLED,
        result.strip(),
        handled_on,
        actor,
    )
    locked.full_clean()
    locked.save(update_fields=["status", "result", "handled_on", "handled_by"])
    comment = _("办结") + (_("(超期办结)") if locked.handled_late else "")
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        comment=comment,
    )
    return locked
