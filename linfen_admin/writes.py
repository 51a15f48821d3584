"""The checks every service write starts with, and the audited save/delete of simple reference rows.

A module's service names what it writes (``campaign_save``, ``call_save`` …) and adds its own rules; the
permission (Django model permissions of the actor's role), the scope (``scoping.editable_by`` / the regions the
actor may write into), ``full_clean`` and the audit row are done here, once, for every channel: page, API,
admin, import and command alike.
"""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import audit
from .scoping import editable_by, permission_name, regions_for


def require_actor(actor) -> None:
    """Services act for somebody: a signed-in user, or the named system account for scheduled jobs."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))


def require_perm(actor, model: type[models.Model], action: str, message: str | None = None) -> None:
    """403 unless the actor's role holds ``<app>.<action>_<model>``."""
    require_actor(actor)
    if not actor.has_perm(permission_name(model, action)):
        raise PermissionDenied(
            message
            or _("您无权%(action)s%(model)s。")
            % {
                "action": {"add": _("新增"), "change": _("修改"), "delete": _("删除")}.get(action, action),
                "model": model._meta.verbose_name,
            }
        )


def lock_editable(actor, obj: models.Model, *, action: str = "change") -> models.Model:
    """The row of ``obj`` locked for update, after checking the actor may ``action`` it here (403 otherwise)."""
    model = type(obj)
    require_perm(actor, model, action)
    rows = model._default_manager.filter(pk=obj.pk)
    if not editable_by(actor, rows).exists():
        raise PermissionDenied(_("您无权修改该记录。"))
    return rows.select_for_update().get()


@transaction.atomic
def save_audited(*, actor, obj: models.Model, comment: str = "") -> models.Model:
    """Create or change one row that has no rules beyond its model's: permission, scope, ``full_clean``, save,
    audit row (before → after, read from the database under a row lock)."""
    model = type(obj)
    if obj._state.adding:
        require_perm(actor, model, "add")
        region_id = audit.region_id_of(obj)
        if region_id is not None and not regions_for(actor).filter(pk=region_id).exists():
            raise PermissionDenied(_("只能处理本区域的数据"))
        obj.full_clean()
        obj.save()
        audit.record_created(actor=actor, obj=obj, comment=comment)
        return obj
    current = lock_editable(actor, obj)
    region_id = audit.region_id_of(obj)
    if region_id is not None and not regions_for(actor).filter(pk=region_id).exists():
        raise PermissionDenied(_("只能处理本区域的数据"))  # nor move a row into another region
    before = audit.snapshot(current)
    obj.full_clean()
    obj.save()
    after = audit.snapshot(obj)
    if audit.diff(before, after):
        audit.record(
            actor=actor, action=audit.Action.UPDATE, obj=obj, before=before, after=after, comment=comment
        )
    return obj


@transaction.atomic
def delete_audited(*, actor, obj: models.Model, comment: str = "") -> models.Model:
    """Delete one row the actor may delete; the audit row keeps every field it had. Returns the row as it was
    locked and deleted (what a caller keeping counts of it must read, rather than the copy it was given)."""
    current = lock_editable(actor, obj, action="delete")
    audit.record_deleted(actor=actor, obj=current, before=audit.snapshot(current), comment=comment)
    current.delete()
    return current
