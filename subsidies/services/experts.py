"""Expert scoring (专家评审): an assigned expert records a score and an opinion during expert review."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit

from ..models import Application, ExpertAssignment, State
from .transitions import TransitionConflict


@transaction.atomic
def expert_score_submit(*, application_id: int, expert, score, opinion: str) -> ExpertAssignment:
    """Record (or correct) the calling expert's score for the current review round."""
    application = Application.objects.select_for_update().get(pk=application_id)
    assignment = (
        ExpertAssignment.objects.select_for_update()
        .filter(application=application, expert=expert, round=application.review_round)
        .first()
    )
    if assignment is None:
        raise PermissionDenied(_("您不是该申报本轮评审的专家"))
    if application.state != State.EXPERT_REVIEW:
        raise TransitionConflict(_("该申报不在专家评审环节"))
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"score": _("评分应为 0–100 的数字")}) from exc
    if not (0 <= value <= 100):
        raise ValidationError({"score": _("评分应为 0–100 的数字")})
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写评审意见")})
    before = audit.snapshot(assignment)
    assignment.score = value
    assignment.opinion = opinion.strip()
    assignment.scored_at = timezone.now()
    assignment.full_clean()
    assignment.save(update_fields=["score", "opinion", "scored_at"])
    audit.record(
        actor=expert,
        action=audit.Action.UPDATE,
        obj=assignment,
        before=before,
        after=audit.snapshot(assignment),
        comment=_("专家评分"),
    )
    return assignment
