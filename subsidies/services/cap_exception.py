"""第七条(一) 单个项目配套奖励金额原则上不超过 1000 万元: the city bureau may record an exception, with its reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.roles import Role

from .. import stagetotals
from ..models import Application, Category, State, bureau_domains
from .applications import StateConflict, application_evaluate

# The bureau's own steps, before the amount goes into the plan (拟支持).
CAP_EXCEPTION_STATES = (State.CITY_REVIEW, State.EXPERT_REVIEW)


@transaction.atomic
def application_cap_exception(*, actor, application_id: int, reason: str) -> Application:
    """Record (or, with an empty ``reason``, withdraw) the city bureau's exception to the 1000 万元 cap of a
    matching award (第七条(一) 原则上). Only the bureau of the application's domain (or an administrator), while
    the application is at the city's review; the award is recomputed and the change audited. Without an
    exception the cap applies."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application_id)
    )
    if not (
        actor.is_superuser or actor.has_role(Role.ADMIN) or application.call.domain in bureau_domains(actor)
    ):
        raise PermissionDenied(_("只有本领域的市级主管部门可以记录配套奖励上限的例外"))
    if application.category != Category.MATCHING:
        raise ValidationError(
            {"cap_exception_reason": _("只有国、省资金配套奖励(第七条(一))有 1000 万元上限")}
        )
    if application.state not in CAP_EXCEPTION_STATES:
        raise StateConflict(_("只能在市级受理或专家评审环节记录上限例外"))
    reason = (reason or "").strip()
    before = audit.snapshot(application)
    counted = stagetotals.share(application)
    application.cap_exception_reason = reason
    application.cap_exception_by = actor if reason else None
    application.cap_exception_at = timezone.now() if reason else None
    application_evaluate(application)
    application.version += 1
    application.save()
    stagetotals.moved(counted, stagetotals.share(application))
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=application,
        before=before,
        after=audit.snapshot(application),
    )
    return application
