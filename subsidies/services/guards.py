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
from ..models import (
    AllocationLine,
    AllocationPlan,
    Application,
    Call,
    ExpertAssignment,
    IndicatorType,
    ReviewCommittee,
    State,
)
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
    committee: object = None  # the review committee a send to experts uses (``committee_ready``)
    scorers: list = field(default_factory=list)


# --- Guards ------------------------------------------------------------------------------------------------


def _guard_eligible(ctx: StepContext) -> None:
    application_evaluate(ctx.application)
    if not ctx.application.eligible:
        reasons = ";".join(item["message"] for item in ctx.application.eligibility_failures)
        raise TransitionConflict(_("不符合申报条件:%(reasons)s") % {"reasons": reasons})


def _guard_recomputed(ctx: StepContext) -> None:
    """Not a refusal: refresh the award and eligibility flags (a twin application may have appeared)."""
    application_evaluate(ctx.application)


def _guard_commitments(ctx: StepContext) -> None:
    """第十条: a project award states, in its application, its expected indicators and the undertaking to return
    the funds when they are missed (the indicator type decides which, 第十一条)."""
    app = ctx.application
    if not app.is_project_award:
        return
    missing = []
    if not app.indicator_type:
        missing.append(_("预期指标类型"))
    elif app.indicator_type == IndicatorType.ECONOMIC and app.expected_new_tax_wan is None:
        missing.append(_("预期新增税收(万元)"))
    elif app.indicator_type == IndicatorType.TECHNICAL and not app.expected_targets.strip():
        missing.append(_("预期技术指标"))
    if not app.return_undertaking:
        missing.append(_("承诺未达到预期指标退还专项资金"))
    if missing:
        raise TransitionConflict(
            _("请先在申报中填写第十条要求的承诺:%(items)s") % {"items": "、".join(missing)}
        )


def _guard_not_accepted(ctx: StepContext) -> None:
    if ctx.application.county_accepted_at is not None:
        raise TransitionConflict(_("该申报已由县级受理"))


def _guard_county_accepted(ctx: StepContext) -> None:
    if ctx.application.county_accepted_at is None:
        raise TransitionConflict(_("请先办理县级受理"))


# 第十条 真实性、完整性、合规性、一致性: the step's data key → the application's field.
CHECK_FIELDS = {
    "authenticity": "check_authenticity",
    "completeness": "check_completeness",
    "compliance": "check_compliance",
    "consistency": "check_consistency",
}


def _guard_check_data(ctx: StepContext) -> None:
    if not any(key in ctx.data for key in (*CHECK_FIELDS, "inspected_on")):
        raise ValidationError(
            {"authenticity": _("请逐项确认真实性、完整性、合规性、一致性审核,或填写现场核查日期")}
        )
    inspected = ctx.data.get("inspected_on")
    if inspected is not None and inspected > ctx.today:
        raise ValidationError({"inspected_on": _("现场核查日期不能晚于今天")})


def _guard_county_checked(ctx: StepContext) -> None:
    """第十条: no recommendation before the four checks are confirmed and the site inspected (第八条(二))."""
    app = ctx.application
    if app.county_accepted_at is None:
        raise TransitionConflict(_("请先办理县级受理"))
    missing = [str(label) for _name, label, done in app.county_checks() if not done]
    problems = []
    if missing:
        problems.append(_("尚未确认:%(checks)s") % {"checks": "、".join(missing)})
    if app.inspected_on is None:
        problems.append(_("尚未填写现场核查日期"))
    if problems:
        raise TransitionConflict(_("不能推荐上报:%(problems)s") % {"problems": ";".join(problems)})
    ctx.record["inspected_on"] = app.inspected_on.isoformat()


def _guard_committee_ready(ctx: StepContext) -> None:
    """第八条(三) 驻局纪检组及相关专家组成评审委员会: the committee is the call's, has its 驻局纪检组 member and at
    least one expert who scores in the system."""
    app = ctx.application
    committee = (
        ReviewCommittee.objects.filter(pk=ctx.data["committee"], call_id=app.call_id)
        .prefetch_related("members__expert")
        .first()
    )
    if committee is None:
        raise ValidationError({"committee": _("应为本申报通知的评审委员会")})
    members = list(committee.members.all())
    if not any(member.discipline_inspector for member in members):
        raise TransitionConflict(_("评审委员会没有驻局纪检组成员,不能开始评分(第八条(三))"))
    scorers = [m for m in members if m.expert is not None and m.expert.is_active]
    if not scorers:
        raise TransitionConflict(_("评审委员会没有可在系统中评分的专家"))
    ctx.committee = committee
    ctx.scorers = scorers


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
    average = selectors.average_score(assignments)
    ctx.application.review_average = average
    ctx.record["average"] = str(average)


def _guard_plan_approving(ctx: StepContext) -> None:
    """第八条(三) 报市政府审定: only as part of the plan that lists the application, while it is before the
    government; the amount approved is the plan's."""
    app = ctx.application
    line = (
        AllocationLine.objects.filter(
            plan_id=ctx.data["plan"],
            plan__call_id=app.call_id,
            plan__status=AllocationPlan.Status.SUBMITTED,
            application=app,
        )
        .select_related("plan")
        .first()
    )
    if line is None:
        raise TransitionConflict(_("市政府审定须通过列有该申报、已报市政府审定的资金分配方案办理"))
    app.planned_wan = line.amount_wan
    ctx.record["plan"] = line.plan.title
    ctx.record["amount_wan"] = str(line.amount_wan)


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


def _guard_finance_copied(ctx: StepContext) -> None:
    """第八条(三) 送市财政局: the approved plan is copied to 财政局 before it pays (a file approved before plans were
    recorded has none)."""
    line = (
        AllocationLine.objects.filter(
            application=ctx.application, plan__status=AllocationPlan.Status.APPROVED
        )
        .select_related("plan")
        .order_by("-plan__approved_on", "-id")
        .first()
    )
    if line is not None and line.plan.finance_copied_on is None:
        raise TransitionConflict(_("资金分配方案“%(plan)s”尚未抄送市财政局") % {"plan": line.plan.title})


def _guard_project_award(ctx: StepContext) -> None:
    if not ctx.application.is_project_award:
        raise TransitionConflict(_("只有项目类奖励(第七条(一)(二))进行完工评价(第十一条)"))


def _guard_evaluation_data(ctx: StepContext) -> None:
    """第十一条: the indicator type is the one stated when applying (第十条); an application entered before the
    commitments were recorded states it here."""
    app = ctx.application
    given = ctx.data.get("indicator_type")
    if app.indicator_type and given and given != app.indicator_type:
        raise ValidationError(
            {
                "indicator_type": _("预期指标类型以申报时的承诺为准:%(type)s")
                % {"type": IndicatorType(app.indicator_type).label}
            }
        )
    indicator = app.indicator_type or given
    if not indicator:
        raise ValidationError({"indicator_type": _("申报时未填写预期指标类型,请在此填写")})
    ctx.data["indicator_type"] = indicator
    if indicator == IndicatorType.TECHNICAL and "targets_met" not in ctx.data:
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
    "commitments": _guard_commitments,
    "not_accepted": _guard_not_accepted,
    "county_accepted": _guard_county_accepted,
    "check_data": _guard_check_data,
    "county_checked": _guard_county_checked,
    "committee_ready": _guard_committee_ready,
    "plan_approving": _guard_plan_approving,
    "finance_copied": _guard_finance_copied,
    "project_award": _guard_project_award,
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


def _branch_project_award(ctx: StepContext) -> str:
    """第十一条: a project award goes on to completion evaluation; the others are closed once paid."""
    return State.DISBURSED if ctx.application.is_project_award else State.CLOSED


BRANCHES = {"recovery": _branch_recovery, "project_award": _branch_project_award}
