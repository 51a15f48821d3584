"""Every write of the subsidies app (``<entity>_<verb>``, keyword-only, atomic, audited)."""

from .applications import StateConflict, application_create, application_evaluate, application_update
from .cap_exception import application_cap_exception
from .committees import committee_create
from .documents import document_upload, may_attach
from .experts import expert_score_submit
from .plans import (
    allocation_plan_approve,
    allocation_plan_copy_to_finance,
    allocation_plan_create,
    allocation_plan_submit,
    allocation_plan_update,
)
from .reference import call_delete, call_save, step_limit_delete, step_limit_save
from .transitions import TransitionConflict, application_transition

__all__ = [
    "StateConflict",
    "TransitionConflict",
    "allocation_plan_approve",
    "allocation_plan_copy_to_finance",
    "allocation_plan_create",
    "allocation_plan_submit",
    "allocation_plan_update",
    "application_cap_exception",
    "application_create",
    "application_evaluate",
    "application_transition",
    "application_update",
    "call_delete",
    "call_save",
    "committee_create",
    "document_upload",
    "expert_score_submit",
    "may_attach",
    "step_limit_delete",
    "step_limit_save",
]
