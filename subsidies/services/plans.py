"""第八条(三)(四) 资金分配计划: the city bureau lists the applications it proposes and their amounts within the
call's budget, 报市政府审定 — one act that moves every listed application — and 送市财政局 (recorded)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.writes import require_perm

from ..models import GRANTED_STATES, Action, AllocationLine, AllocationPlan, Application, Call, State
from ..rules.money import fmt, wan
from .applications import StateConflict
from .committees import require_bureau
from .transitions import application_transition

OPEN_STATUSES = (AllocationPlan.Status.DRAFT, AllocationPlan.Status.SUBMITTED)


def _lines(call: Call, lines, *, plan: AllocationPlan | None = None) -> list[tuple[Application, Decimal]]:
    """Check the listed (application id, amount) pairs: each application of this call, 拟支持, in no other
    plan, its amount above 0 and within its award; the total within what the budget leaves after the awards
    already approved. Every refusal is reported together."""
    errors, checked, seen = [], [], set()
    for application_id, amount in lines:
        application = Application.objects.filter(pk=application_id, call=call).first()
        if application is None:
            errors.append(_("编号 %(id)s 不是本申报通知的申报") % {"id": application_id})
            continue
        if application.pk in seen:
            errors.append(_("%(ref)s 重复列入") % {"ref": application.reference})
            continue
        seen.add(application.pk)
        if application.state != State.PLANNED:
            errors.append(
                _("%(ref)s 当前为“%(state)s”,只有拟支持的申报可以列入资金分配方案")
                % {"ref": application.reference, "state": application.get_state_display()}
            )
            continue
        elsewhere = AllocationLine.objects.filter(application=application).exclude(
            plan__status=AllocationPlan.Status.APPROVED
        )
        if plan is not None:
            elsewhere = elsewhere.exclude(plan=plan)
        other = elsewhere.select_related("plan").first()
        if other is not None:
            errors.append(
                _("%(ref)s 已列入资金分配方案“%(plan)s”")
                % {"ref": application.reference, "plan": other.plan.title}
            )
            continue
        try:
            amount = wan(amount)
        except (ArithmeticError, ValueError, TypeError):
            errors.append(_("%(ref)s 的分配金额应为金额(万元)") % {"ref": application.reference})
            continue
        if amount <= 0 or amount > application.award_wan:
            errors.append(
                _("%(ref)s 的分配金额应大于 0 且不超过测算奖励 %(award)s 万元")
                % {"ref": application.reference, "award": fmt(application.award_wan)}
            )
            continue
        checked.append((application, amount))
    if errors:
        raise ValidationError({"lines": errors})
    granted = Application.objects.filter(call=call, state__in=GRANTED_STATES).aggregate(
        total=Sum("planned_wan")
    )["total"] or Decimal("0.00")
    total = sum((amount for _a, amount in checked), Decimal("0.00"))
    available = call.budget_wan - granted
    if total > available:
        raise ValidationError(
            {
                "lines": _(
                    "资金分配方案合计 %(total)s 万元,超出预算可安排的 %(available)s 万元(预算 %(budget)s 万元,已审定 %(granted)s 万元)"
                )
                % {
                    "total": fmt(total),
                    "available": fmt(available),
                    "budget": fmt(call.budget_wan),
                    "granted": fmt(granted),
                }
            }
        )
    return checked


def _lock(actor, plan_id: int) -> AllocationPlan:
    plan = AllocationPlan.objects.select_for_update(of=("self",)).select_related("call").get(pk=plan_id)
    require_perm(actor, AllocationPlan, "change")
    require_bureau(actor, plan.call)
    return plan


def _replace_lines(plan: AllocationPlan, checked) -> None:
    plan.lines.all().delete()
    AllocationLine.objects.bulk_create(
        [
            AllocationLine(plan=plan, application=application, amount_wan=amount)
            for application, amount in checked
        ]
    )


def _summary(plan: AllocationPlan) -> str:
    return "、".join(f"{line.application.reference} {fmt(line.amount_wan)} 万元" for line in plan.lines.all())


@transaction.atomic
def allocation_plan_create(*, actor, call: Call, title: str, lines) -> AllocationPlan:
    """A draft plan for ``call`` with its (application id, amount) lines."""
    require_perm(actor, AllocationPlan, "add")
    require_bureau(actor, call)
    Call.objects.select_for_update().get(pk=call.pk)
    plan = AllocationPlan(call=call, title=(title or "").strip(), created_by=actor)
    plan.full_clean()
    checked = _lines(call, lines)
    plan.save()
    _replace_lines(plan, checked)
    audit.record_created(actor=actor, obj=plan, comment=_summary(plan))
    return plan


@transaction.atomic
def allocation_plan_update(*, actor, plan_id: int, title: str | None = None, lines=None) -> AllocationPlan:
    """Change a draft plan's title or lines."""
    plan = _lock(actor, plan_id)
    if plan.status != AllocationPlan.Status.DRAFT:
        raise StateConflict(_("只有编制中的资金分配方案可以修改"))
    before = audit.snapshot(plan)
    old = _summary(plan)
    if title is not None:
        plan.title = title.strip()
        plan.full_clean()
        plan.save(update_fields=["title"])
    if lines is not None:
        Call.objects.select_for_update().get(pk=plan.call_id)
        _replace_lines(plan, _lines(plan.call, lines, plan=plan))
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=plan,
        before=before,
        after=audit.snapshot(plan),
        comment=_("明细:%(old)s → %(new)s") % {"old": old or "—", "new": _summary(plan) or "—"},
    )
    return plan


@transaction.atomic
def allocation_plan_submit(*, actor, plan_id: int) -> AllocationPlan:
    """报市政府审定: the plan, checked again, goes before the government and can no longer be changed."""
    plan = _lock(actor, plan_id)
    if plan.status != AllocationPlan.Status.DRAFT:
        raise StateConflict(_("该资金分配方案已报审"))
    lines = [(line.application_id, line.amount_wan) for line in plan.lines.all()]
    if not lines:
        raise ValidationError({"lines": _("资金分配方案没有列入任何申报")})
    Call.objects.select_for_update().get(pk=plan.call_id)
    _lines(plan.call, lines, plan=plan)
    return _plan_step(
        actor, plan, _("报市政府审定"), status=AllocationPlan.Status.SUBMITTED, submitted_at=timezone.now()
    )


@transaction.atomic
def allocation_plan_approve(
    *, actor, plan_id: int, document_no: str, approved_on: datetime.date, today: datetime.date | None = None
) -> AllocationPlan:
    """市政府审定 (第八条(三)): one act — every listed application takes the ``approve`` step through the one
    transition service (each audited and in its history, with the plan's 文号), or none does."""
    plan = _lock(actor, plan_id)
    if plan.status != AllocationPlan.Status.SUBMITTED:
        raise StateConflict(_("只有已报市政府审定的资金分配方案可以记录审定结果"))
    document_no = (document_no or "").strip()
    errors = {}
    if not document_no:
        errors["document_no"] = _("请填写市政府审定文号")
    today = today or timezone.localdate()
    if approved_on is None:
        errors["approved_on"] = _("请填写市政府审定日期")
    elif approved_on > today:
        errors["approved_on"] = _("审定日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    Call.objects.select_for_update().get(pk=plan.call_id)
    lines = list(plan.lines.select_related("application"))
    _lines(plan.call, [(line.application_id, line.amount_wan) for line in lines], plan=plan)
    for line in lines:
        application_transition(
            application_id=line.application_id,
            actor=actor,
            action=Action.APPROVE,
            comment=_("资金分配方案“%(plan)s”") % {"plan": plan.title},
            data={"document_no": document_no, "plan": plan.pk},
            today=today,
        )
    return _plan_step(
        actor,
        plan,
        _("市政府审定"),
        status=AllocationPlan.Status.APPROVED,
        document_no=document_no,
        approved_on=approved_on,
    )


@transaction.atomic
def allocation_plan_copy_to_finance(
    *, actor, plan_id: int, copied_on: datetime.date, recipient: str, today: datetime.date | None = None
) -> AllocationPlan:
    """送市财政局 (第八条(三)): the date the approved plan went to 财政局 and who received it. 财政局 pays after it."""
    plan = _lock(actor, plan_id)
    if plan.status != AllocationPlan.Status.APPROVED:
        raise StateConflict(_("资金分配方案经市政府审定后才能抄送市财政局"))
    recipient = (recipient or "").strip()
    errors = {}
    if not recipient:
        errors["recipient"] = _("请填写财政局接收人")
    today = today or timezone.localdate()
    if copied_on is None:
        errors["copied_on"] = _("请填写抄送日期")
    elif copied_on > today:
        errors["copied_on"] = _("抄送日期不能晚于今天")
    elif plan.approved_on and copied_on < plan.approved_on:
        errors["copied_on"] = _("抄送日期不能早于市政府审定日期")
    if errors:
        raise ValidationError(errors)
    return _plan_step(
        actor, plan, _("抄送市财政局"), finance_copied_on=copied_on, finance_recipient=recipient
    )


def _plan_step(actor, plan: AllocationPlan, comment: str, **values) -> AllocationPlan:
    """Set ``values`` on the (locked) plan, save those fields and audit the step, before → after."""
    before = audit.snapshot(plan)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save(update_fields=list(values))
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=plan,
        before=before,
        after=audit.snapshot(plan),
        comment=comment,
    )
    return plan
