"""Reference data of the approvals app kept in the admin: licence holders, the blacklist, sampling ratios and
the official working-day calendar. Each write checks its actor here, whatever the channel."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.models import Region
from linfen_admin.roles import Role
from linfen_admin.writes import delete_audited, lock_editable, require_actor, save_audited

from ..models import CreditBlacklist, Item, LicensedEntity, RiskLevel, WorkCalendarDay, WorkCalendarYear

ENTITY_EDITABLE = ("name", "credit_code", "holder_kind", "credit_level", "location", "licensed_on", "active")


def _entity_location(entity: LicensedEntity, location):
    """A county-level item's holder is where its licence was granted; a city-level one's, a county or none."""
    if entity.item.level == Item.Level.COUNTY:
        if location is not None and location.pk != entity.region_id:
            raise ValidationError({"location": _("县级事项的持证主体所在地即其办理地。")})
        return entity.region
    if location is not None and location.kind == Region.Kind.CITY:
        raise ValidationError({"location": _("所在地请选择县(市、区)或开发区;不填按统一社会信用代码。")})
    return location


@transaction.atomic
def entity_update(*, actor, entity: LicensedEntity, **changes) -> LicensedEntity:
    """Correct a licence holder's name, code, credit level or validity. Its item, region and department follow
    the licence and are not changed (a licence of another item is another entity)."""
    unknown = set(changes) - set(ENTITY_EDITABLE)
    if unknown:
        raise ValidationError({name: _("持证主体的事项、区域和承接部门不能修改。") for name in unknown})
    locked = lock_editable(actor, entity)
    if locked.is_revoked and changes.get("active"):
        raise ValidationError({"active": _("已撤销或吊销的许可不能恢复有效;须重新申请、重新许可。")})
    if "location" in changes:
        changes["location"] = _entity_location(locked, changes["location"])
    before = audit.snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.credit_code = "".join((locked.credit_code or "").split()).upper()
    locked.full_clean()
    if audit.diff(before, audit.snapshot(locked)):
        locked.save()
        audit.record(
            actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked


@transaction.atomic
def blacklist_update(
    *, actor, listing: CreditBlacklist, reason: str, lifted_on: datetime.date | None
) -> CreditBlacklist:
    """Correct the reason of a listing or lift it (移出失信名单) on a date."""
    locked = lock_editable(actor, listing)
    if lifted_on is not None and lifted_on < locked.listed_on:
        raise ValidationError({"lifted_on": _("移出日期不能早于列入日期。")})
    before = audit.snapshot(locked)
    locked.reason, locked.lifted_on = reason, lifted_on
    locked.full_clean()
    locked.save(update_fields=["reason", "lifted_on"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked)
    )
    return locked


def _require_administrator(actor) -> None:
    """The sampling ratios and the official calendar are the administrators' (系统管理员), whatever
    permissions a role may be granted by mistake."""
    require_actor(actor)
    if not (actor.is_superuser or actor.has_role(Role.ADMIN)):
        raise PermissionDenied(_("只有系统管理员可以维护该项数据。"))


def risk_level_save(*, actor, level: RiskLevel) -> RiskLevel:
    """Set the sampling ratio of a risk/credit level (双随机 draws read it)."""
    _require_administrator(actor)
    return save_audited(actor=actor, obj=level)


def calendar_year_save(*, actor, year: WorkCalendarYear) -> WorkCalendarYear:
    """Enter (or correct) the State Council's holiday notice of a year; deadlines already computed stay."""
    _require_administrator(actor)
    if year._state.adding and year.entered_by_id is None:
        year.entered_by = actor
    return save_audited(actor=actor, obj=year)


def calendar_year_delete(*, actor, year: WorkCalendarYear) -> None:
    _require_administrator(actor)
    for day in year.days.all():
        delete_audited(actor=actor, obj=day)
    delete_audited(actor=actor, obj=year)


def calendar_day_save(*, actor, day: WorkCalendarDay) -> WorkCalendarDay:
    """A holiday or a make-up working day of an entered year."""
    _require_administrator(actor)
    return save_audited(actor=actor, obj=day)


def calendar_day_delete(*, actor, day: WorkCalendarDay) -> None:
    _require_administrator(actor)
    delete_audited(actor=actor, obj=day)
