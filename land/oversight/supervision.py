"""挂牌督办 (六(四)): "对批而未供土地和闲置土地长期未能消化处置的,实行挂牌督办".

The city land bureau (``land.supervise_parcel``) lists a parcel, or a region's task, with a reason, a deadline
and the unit responsible; the county posts progress reports (with attachments); the city lifts the listing when
it is resolved, with a reason that is kept. ``Parcel.supervised`` is derived: true while the parcel has an open
listing, written here and nowhere else."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.scoping import regions_for, require_region, visible_to
from linfen_admin.writes import require_actor, require_perm

from ..models import Parcel, Supervision, SupervisionReport
from ..services import may_supervise
from . import files

DUE_SOON_DAYS = 7


def _require_supervisor(actor) -> None:
    require_actor(actor)
    if not may_supervise(actor):
        raise PermissionDenied(_("只有市规划和自然资源局可以挂牌督办或解除督办。"))


def _sync_parcel(*, actor, parcel_id: int, comment: str) -> None:
    """``Parcel.supervised`` follows the parcel's open listings; a change is a new version and an audit row."""
    locked = Parcel.objects.select_for_update().get(pk=parcel_id)
    wanted = Supervision.objects.filter(parcel_id=parcel_id, status=Supervision.Status.OPEN).exists()
    if locked.supervised == wanted:
        return
    before = audit.snapshot(locked)
    locked.supervised = wanted
    locked.version += 1
    locked.save(update_fields=["supervised", "version", "updated_at"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        comment=comment,
    )


@transaction.atomic
def supervision_open(
    *,
    actor,
    reason: str,
    responsible_unit: str,
    due_on: datetime.date,
    parcel: Parcel | None = None,
    region=None,
) -> Supervision:
    """List a parcel (its region follows) or a region's task for 挂牌督办."""
    _require_supervisor(actor)
    if parcel is not None:
        parcel = Parcel.objects.select_for_update().select_related("region").get(pk=parcel.pk)
        if region is not None and region.pk != parcel.region_id:
            raise ValidationError({"parcel": _("宗地不属于所选县(市、区)。")})
        region = parcel.region
        if (
            parcel.supervised
            or Supervision.objects.filter(parcel=parcel, status=Supervision.Status.OPEN).exists()
        ):
            raise ValidationError({"parcel": _("该宗地已在挂牌督办中。")})
    if region is None:
        raise ValidationError({"region": _("请选择县(市、区)或宗地。")})
    require_region(actor, region)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("请填写督办事由。")
    if not (responsible_unit or "").strip():
        errors["responsible_unit"] = _("请填写责任单位。")
    if due_on and due_on < timezone.localdate():
        errors["due_on"] = _("办结期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    supervision = Supervision(
        region=region,
        parcel=parcel,
        reason=reason.strip(),
        responsible_unit=responsible_unit.strip(),
        due_on=due_on,
        listed_by=actor,
    )
    supervision.full_clean()
    supervision.save()
    audit.record_created(actor=actor, obj=supervision, comment=supervision.reason)
    if parcel is not None:
        _sync_parcel(
            actor=actor, parcel_id=parcel.pk, comment=_("挂牌督办:%(r)s") % {"r": supervision.reason}
        )
    return supervision


@transaction.atomic
def supervision_report(
    *, actor, supervision: Supervision, reported_on: datetime.date, progress: str, upload=None
) -> SupervisionReport:
    """The county (or the city bureau) reports progress on an open listing, optionally with an attachment."""
    require_perm(actor, SupervisionReport, "add", _("无权报告督办进展。"))
    locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
    if not regions_for(actor).filter(pk=locked.region_id).exists():
        raise PermissionDenied(_("只能处理本区域的数据"))
    errors = {}
    if locked.status != Supervision.Status.OPEN:
        errors["progress"] = _("该督办已解除,不能再报告进展。")
    elif not (progress or "").strip():
        errors["progress"] = _("请填写进展情况。")
    if reported_on and reported_on > timezone.localdate():
        errors["reported_on"] = _("报告日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    report = SupervisionReport(
        supervision=locked, reported_on=reported_on, progress=progress.strip(), created_by=actor
    )
    if upload is not None:
        files.attach(report, upload)
    report.full_clean()
    report.save()
    audit.record_created(actor=actor, obj=report)
    return report


@transaction.atomic
def supervision_lift(
    *, actor, supervision: Supervision, reason: str, lifted_on: datetime.date | None = None
) -> Supervision:
    """The city lifts a listing once resolved; the reason stays on the listing and in the audit trail."""
    _require_supervisor(actor)
    locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
    require_region(actor, locked.region)
    lifted_on = lifted_on or timezone.localdate()
    errors = {}
    if locked.status != Supervision.Status.OPEN:
        errors["reason"] = _("该督办已解除。")
    elif not (reason or "").strip():
        errors["reason"] = _("请填写解除理由。")
    if lifted_on > timezone.localdate():
        errors["lifted_on"] = _("解除日期不能晚于今天。")
    elif lifted_on < timezone.localtime(locked.listed_at).date():
        errors["lifted_on"] = _("解除日期不能早于挂牌日期。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked)
    locked.status = Supervision.Status.LIFTED
    locked.lift_reason = reason.strip()
    locked.lifted_on = lifted_on
    locked.lifted_by = actor
    locked.full_clean()
    locked.save()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        comment=locked.lift_reason,
    )
    if locked.parcel_id:
        _sync_parcel(
            actor=actor,
            parcel_id=locked.parcel_id,
            comment=_("解除挂牌督办:%(r)s") % {"r": locked.lift_reason},
        )
    return locked


# --- reads ------------------------------------------------------------------------------------------------


def supervisions_visible_to(user) -> QuerySet:
    return visible_to(user, Supervision.objects.select_related("region", "parcel", "listed_by", "lifted_by"))


def supervisions_of_parcel(user, parcel: Parcel) -> list[Supervision]:
    return list(supervisions_visible_to(user).filter(parcel=parcel).prefetch_related("reports"))


def is_overdue(supervision: Supervision, as_of: datetime.date) -> bool:
    """Open past its deadline (the day itself still counts as in time)."""
    return supervision.status == Supervision.Status.OPEN and supervision.due_on < as_of


def counts(user, as_of: datetime.date) -> dict:
    """Open and overdue listings the user may see (the cockpit's and dashboard's figures)."""
    open_ = supervisions_visible_to(user).filter(status=Supervision.Status.OPEN)
    return {"open": open_.count(), "overdue": open_.filter(due_on__lt=as_of).count()}
