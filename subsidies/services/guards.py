"""The guards and branches the workflow table names, and the context a step carries through them.

A guard raises ``TransitionConflict`` (409) when the state of things forbids the step now, or
``ValidationError`` (400) when the step's own data is wrong. A branch picks between two targets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Application, Call, ExpertAssignment, IndicatorType, State
from ..rules import clawback
from ..rules.money import fmt
from .applications import application_evaluate


class TransitionConflict(Exception):
    """The current state (or a guard on it) does not allow the step (HTTP 409)."""


@dataclass
class StepContext:
    application: Application
    actor: object
    comment: str
    data: dict
    today: datetime.date
    record: dict = field(default_factory=dict)  # what goes into the history row's ``data``


# --- Guards ------------------------------------------------------------------------------------------------


def _guard_eligible(ctx: StepContext) -> None:
    application_evaluate(ctx.application)
    if not ctx.application.eligible:
        reasons = ";".join(item["message"] for item in ctx.application.eligibility_failures)
        raise TransitionConflict(_("不符合申报条件:%(reasons)s") % {"reasons": reasons})


def _guard_recomputed(ctx: StepContext) -> None:
    """Not a refusal: refresh the award and eligibility flags (a twin application may have appeared)."""
    application_evaluate(ctx.application)


def _guard_experts_scored(ctx: StepContext) -> None:
    assignments = list(
        ExpertAssignment.objects.filter(application=ctx.application, round=ctx.application.review_round)
    )
    if not assignments:
        raise TransitionConflict(_("尚未指定评审专家"))
    missing = [str(a.expert) for a in assignments if a.score is None]
    if missing:
        raise TransitionConflict(_("以下专家尚未评分:%(names)s") % {"names": "、".join(missing)})
    ctx.record["scores"] = [
        {"expert": a.expert_id, "name": str(a.expert), "score": str(a.score), "opinion": a.opinion}
        for a in assignments
    ]


def _guard_award_positive(ctx: StepContext) -> None:
    app = ctx.application
    if app.award_wan <= 0:
        raise TransitionConflict(_("测算奖励为 0,不能列入资金分配计划"))
    planned = ctx.data.get("planned_wan", app.award_wan)
    if planned <= 0 or planned > app.award_wan:
        raise ValidationError(
            {
                "planned_wan": _("拟支持金额应大于 0 且不超过测算奖励 %(award)s 万元")
                % {"award": fmt(app.award_wan)}
            }
        )
    ctx.data["planned_wan"] = planned


def _guard_within_budget(ctx: StepContext) -> None:
    """The call's planned awards never exceed its budget: lock the call row, then sum."""
    call = Call.objects.select_for_update().get(pk=ctx.application.call_id)
    committed = selectors.committed_wan(call, exclude_pk=ctx.application.pk)
    planned = ctx.data["planned_wan"]
    remaining = call.budget_wan - committed
    if planned > remaining:
        raise TransitionConflict(
            _(
                "超出年度预算:预算 %(budget)s 万元,已安排 %(committed)s 万元,剩余 %(remaining)s 万元,本项目拟支持 %(planned)s 万元"
            )
            % {
                "budget": fmt(call.budget_wan),
                "committed": fmt(committed),
                "remaining": fmt(remaining),
                "planned": fmt(planned),
            }
        )
    ctx.record["budget"] = {
        "budget_wan": str(call.budget_wan),
        "committed_wan": str(committed),
        "remaining_after_wan": str(remaining - planned),
    }


def _guard_evaluation_data(ctx: StepContext) -> None:
    if ctx.data.get("indicator_type") == IndicatorType.TECHNICAL and "targets_met" not in ctx.data:
        raise ValidationError({"targets_met": _("技术指标项目须在完工评价时说明是否达到预期指标")})


def _guard_reevaluation_due(ctx: StepContext) -> None:
    app = ctx.application
    due = clawback.reevaluation_due_on(
        indicator_type=app.indicator_type, completed_on=app.project_completed_on
    )
    if ctx.today < due:
        raise TransitionConflict(
            _("经济指标项目须在完工 5 年后(%(due)s 起)再评价") % {"due": due.isoformat()}
        )


def _guard_reevaluation_data(ctx: StepContext) -> None:
    app = ctx.application
    if app.indicator_type == IndicatorType.ECONOMIC and "cumulative_new_tax_wan" not in ctx.data:
        raise ValidationError({"cumulative_new_tax_wan": _("经济指标项目再评价须填写累计新增税收(万元)")})
    if app.indicator_type == IndicatorType.ECONOMIC and ctx.data["cumulative_new_tax_wan"] < 0:
        raise ValidationError({"cumulative_new_tax_wan": _("累计新增税收不能为负数")})


def _guard_recovered_in_full(ctx: StepContext) -> None:
    expected = ctx.application.recovery_wan or Decimal(0)
    if ctx.data["recovered_wan"] != expected:
        raise ValidationError({"recovered_wan": _("应收回 %(amount)s 万元") % {"amount": fmt(expected)}})


GUARDS = {
    "eligible": _guard_eligible,
    "recomputed": _guard_recomputed,
    "experts_scored": _guard_experts_scored,
    "award_positive": _guard_award_positive,
    "within_budget": _guard_within_budget,
    "evaluation_data": _guard_evaluation_data,
    "reevaluation_due": _guard_reevaluation_due,
    "reevaluation_data": _guard_reevaluation_data,
    "recovered_in_full": _guard_recovered_in_full,
}


# --- Branches and effects ----------------------------------------------------------------------------------


def _branch_recovery(ctx: StepContext) -> str:
    app = ctx.application
    award = app.disbursed_wan or app.planned_wan or Decimal(0)
    amount = clawback.recovery_wan(
        indicator_type=app.indicator_type,
        award_wan=award,
        cumulative_new_tax_wan=ctx.data.get("cumulative_new_tax_wan"),
        targets_met=app.targets_met,
    )
    app.recovery_wan = amount
    if "cumulative_new_tax_wan" in ctx.data:
        app.cumulative_new_tax_wan = ctx.data["cumulative_new_tax_wan"]
    ctx.record["recovery_wan"] = str(amount)
    return State.RECOVERY if amount > 0 else State.CLOSED


BRANCHES = {"recovery": _branch_recovery}
