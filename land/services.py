"""Every write of the land app: keyword-only arguments, one transaction, ``full_clean`` and an audit row."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.scoping import require_region

from .models import DisposalRecord, Parcel
from .rules import ZERO, quantize_area

# Fields a clerk may set on a parcel (``version``/timestamps are the service's; ``status`` follows disposals
# but may be set by hand, e.g. back to 处置中 after a correction).
PARCEL_FIELDS = (
    "region", "kind", "code", "name", "location", "coordinates", "area_mu", "land_use_status", "status",
    "supervised", "approval_no", "approved_on", "expropriation_status", "unsupplied_reason", "disposal_path",
    "supply_method", "supplied_on", "land_price_wan", "land_use", "agreed_start_on", "actual_start_on", "cause",
    "idle_disposal", "note",
)


class StaleVersion(Exception):
    """The parcel changed since the caller read it (optimistic locking)."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(_("该宗地已被他人修改(当前版本 %(v)s),请刷新后重新编辑,您的修改未保存。")
                         % {"v": current_version})


def disposed_total(parcel_id: int) -> Decimal:
    """Area disposed of so far (all records, whatever their date)."""
    total = DisposalRecord.objects.filter(parcel_id=parcel_id).aggregate(total=Sum("area_mu"))["total"]
    return total or ZERO


@transaction.atomic
def parcel_create(*, actor, data: dict) -> Parcel:
    """Add a parcel to the ledger of a region the actor may write into."""
    unknown = set(data) - set(PARCEL_FIELDS)
    if unknown:
        raise ValueError(f"unknown parcel fields: {sorted(unknown)}")
    parcel = Parcel(**data)
    require_region(actor, parcel.region)
    parcel.full_clean()
    parcel.save()
    audit.record_created(actor=actor, obj=parcel)
    return parcel


@transaction.atomic
def parcel_update(*, actor, parcel: Parcel, version: int, data: dict) -> Parcel:
    """Change a parcel if nobody else did since ``version`` was read; otherwise raise ``StaleVersion``.

    The row is locked (``select_for_update``) so the version check and the write are one step.
    """
    unknown = set(data) - set(PARCEL_FIELDS)
    if unknown:
        raise ValueError(f"unknown parcel fields: {sorted(unknown)}")
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if int(version) != locked.version:
        raise StaleVersion(locked.version)
    before = audit.snapshot(locked)
    for field, value in data.items():
        setattr(locked, field, value)
    require_region(actor, locked.region)
    if "area_mu" in data and locked.area_mu is not None:
        disposed = disposed_total(locked.pk)
        if locked.area_mu < disposed:
            raise ValidationError({"area_mu": _("面积不能小于已处置面积 %(d)s 亩。") % {"d": disposed}})
    locked.full_clean()
    locked.version += 1
    after = audit.snapshot(locked)
    if audit.diff(before, after).keys() <= {"version", "updated_at"}:
        return parcel  # nothing changed: no new version, no audit row
    locked.save()
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked))
    return locked


@transaction.atomic
def disposal_record(*, actor, parcel: Parcel, disposed_on: datetime.date, area_mu: Decimal, method: str,
                    document: str = "", note: str = "") -> DisposalRecord:
    """Record a (partial) disposal. The parcel row is locked and its disposals re-summed, so two concurrent
    requests can never together exceed the parcel's area. The parcel's status follows: 处置中, then 已完成."""
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    require_region(actor, locked.region)
    errors = {}
    if disposed_on and disposed_on > timezone.localdate():
        errors["disposed_on"] = _("处置日期不能晚于今天。")
    valid_methods = (Parcel.DisposalPath.values if locked.kind == Parcel.Kind.UNSUPPLIED
                     else Parcel.IdleDisposal.values)
    if method and method not in valid_methods:
        errors["method"] = _("该处置方式不适用于%(kind)s。") % {"kind": locked.get_kind_display()}
    area = quantize_area(area_mu) if area_mu is not None else None
    if area is not None and area > 0:
        remaining = locked.area_mu - disposed_total(locked.pk)
        if area > remaining:
            errors["area_mu"] = _("处置面积 %(a)s 亩超过该宗地剩余未处置面积 %(r)s 亩。") % {"a": area, "r": remaining}
    if errors:
        raise ValidationError(errors)
    record = DisposalRecord(parcel=locked, disposed_on=disposed_on, area_mu=area, method=method,
                            document=document, note=note, created_by=actor)
    record.full_clean()
    record.save()
    audit.record_created(actor=actor, obj=record)

    before = audit.snapshot(locked)
    locked.status = (Parcel.Status.DONE if disposed_total(locked.pk) >= locked.area_mu
                     else Parcel.Status.IN_PROGRESS)
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked),
                 comment=_("登记处置记录 %(a)s 亩") % {"a": area})
    return record


@transaction.atomic
def disposal_revoke(*, actor, disposal: DisposalRecord, reason: str) -> Parcel:
    """Withdraw a disposal entered by mistake (wrong area, wrong parcel). The record leaves the ledger and every
    sum; its audit row keeps all of its fields, who withdrew it and why, so nothing is lost. The parcel row is
    locked as for recording, and its status follows what is left."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    locked = Parcel.objects.select_for_update().get(pk=disposal.parcel_id)
    require_region(actor, locked.region)
    audit.record_deleted(actor=actor, obj=disposal, before=audit.snapshot(disposal), comment=reason)
    area = disposal.area_mu
    disposal.delete()

    before = audit.snapshot(locked)
    remaining_total = disposed_total(locked.pk)
    if remaining_total >= locked.area_mu:
        locked.status = Parcel.Status.DONE
    elif remaining_total > 0:
        locked.status = Parcel.Status.IN_PROGRESS
    else:
        locked.status = Parcel.Status.PENDING
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked),
                 comment=_("撤销处置记录 %(a)s 亩:%(reason)s") % {"a": area, "reason": reason})
    return locked
