"""Reference data the bureaus maintain: calls (年度申报通知) and the step time limits the reminders use."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linfen_admin.writes import delete_audited, require_perm, save_audited

from ..models import Call, StepLimit, domains_managed_by


def call_save(*, actor, call: Call) -> Call:
    """Publish or correct a call. Every bureau reads every call; only the bureau of its domain (市工信局 industry,
    市能源局 energy) adds or changes it — for a change, ``scoping.editable_by`` applies ``Call.scope_edit_narrow``."""
    require_perm(actor, Call, "add" if call._state.adding else "change")
    if call.domain not in domains_managed_by(actor):
        raise PermissionDenied(_("只能发布本部门领域的申报通知。"))
    return save_audited(actor=actor, obj=call)


def call_delete(*, actor, call: Call) -> None:
    delete_audited(actor=actor, obj=call)


def step_limit_save(*, actor, limit: StepLimit) -> StepLimit:
    """Change how many days a workflow step may take before its reminder."""
    return save_audited(actor=actor, obj=limit)


def step_limit_delete(*, actor, limit: StepLimit) -> None:
    delete_audited(actor=actor, obj=limit)
