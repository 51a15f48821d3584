"""Every write of the subsidies app (``<entity>_<verb>``, keyword-only, atomic, audited)."""

from .applications import StateConflict, application_create, application_evaluate, application_update
from .cap_exception import application_cap_exception
from .documents import document_upload, may_attach
from .experts import expert_score_submit
from .reference import call_delete, call_save, step_limit_delete, step_limit_save
from .transitions import TransitionConflict, application_transition

__all__ = [
    "StateConflict",
    "TransitionConflict",
    "application_cap_exception",
    "application_create",
    "application_evaluate",
    "application_transition",
    "application_update",
    "call_delete",
    "call_save",
    "document_upload",
    "expert_score_submit",
    "may_attach",
    "step_limit_delete",
    "step_limit_save",
]
