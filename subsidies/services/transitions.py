"""``application_transition``: the one service that moves an application through the workflow table."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.roles import Role

from .. import notifications, stagetotals, workflow
from ..models import Action, Application, ApplicationTransition, ExpertAssignment, IndicatorType, State
from ..rules import clawback
from ..rules.money import wan
from .guards import BRANCHES, CHECK_FIELDS, GUARDS, StepContext, TransitionConflict

# --- Payload -----------------------------------------------------------------------------------------------


def _text(value) -> str:
    return str(value or "").strip()


def _decimal(value) -> Decimal:
    try:
        return wan(value)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(_("应为金额(万元)")) from exc


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(_("应为日期(YYYY-MM-DD)")) from exc


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1", "yes", "on"):
        return True
    if str(value).lower() in ("false", "0", "no", "off"):
        return False
    raise ValueError(_("应为是或否"))


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(_("应为编号")) from exc


def _indicator(value) -> str:
    if value not in IndicatorType.values:
        raise ValueError(_("应为 economic(经济指标)或 technical(技术指标)"))
    return value


PARSERS = {
    "document_no": _text,
    "inspection_opinion": _text,
    "evaluation_agency": _text,
    "committee": _id,
    "plan": _id,
    "authenticity": _bool,
    "completeness": _bool,
    "compliance": _bool,
    "consistency": _bool,
    "inspected_on": _date,
    "planned_wan": _decimal,
    "indicator_type": _indicator,
    "completed_on": _date,
    "targets_met": _bool,
    "cumulative_new_tax_wan": _decimal,
    "recovered_wan": _decimal,
}


def _clean(row: workflow.Transition, comment: str, data: dict) -> dict:
    cleaned, errors = {}, {}
    for name, value in (data or {}).items():
        if name not in PARSERS or value in (None, "", []):
            continue
        try:
            cleaned[name] = PARSERS[name](value)
        except ValueError as exc:
            errors[name] = str(exc)
    for name in row.required:
        present = bool(comment.strip()) if name == "comment" else cleaned.get(name) not in (None, "", [])
        if not present and name not in errors:
            errors[name] = (
                _("请填写退回或不予支持的理由")
                if name == "comment" and row.action in (Action.RETURN, Action.REJECT)
                else _("此项为必填项")
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _assign_experts(ctx: StepContext) -> None:
    """The committee's members who score in the system are assigned for the application's next round."""
    from linfen_admin.selectors import users_with_role

    experts = set(
        users_with_role(Role.EXPERT)
        .filter(pk__in=[m.expert_id for m in ctx.scorers])
        .values_list("pk", flat=True)
    )
    scorers = [m for m in ctx.scorers if m.expert_id in experts]
    if not scorers:
        raise ValidationError({"committee": _("评审委员会没有可在系统中评分的专家")})
    app = ctx.application
    app.review_round += 1
    ExpertAssignment.objects.bulk_create(
        [
            ExpertAssignment(application=app, expert=m.expert, member=m, round=app.review_round)
            for m in scorers
        ]
    )
    ctx.record["committee"] = str(ctx.committee)
    ctx.record["members"] = [
        {"name": m.name, "unit": m.unit, "discipline_inspector": m.discipline_inspector}
        for m in ctx.committee.members.all()
    ]
    ctx.record["experts"] = [{"id": m.expert_id, "name": str(m.expert)} for m in scorers]
    ctx.record["round"] = app.review_round


def _effects(row: workflow.Transition, ctx: StepContext) -> None:
    app, data = ctx.application, ctx.data
    if row.action == Action.SUBMIT:  # a resubmitted file is accepted and checked again
        app.county_accepted_at = app.inspected_on = None
        for name in Application.COUNTY_CHECKS:
            setattr(app, name, False)
    elif row.action == Action.ACCEPT:
        app.county_accepted_at = timezone.now()
    elif row.action == Action.COUNTY_CHECK:
        for key, name in CHECK_FIELDS.items():
            if key in data:
                setattr(app, name, data[key])
        if "inspected_on" in data:
            app.inspected_on = data["inspected_on"]
    elif row.action == Action.RECOMMEND:
        app.county_document_no = data["document_no"]
        app.inspection_opinion = data["inspection_opinion"]
    elif row.action == Action.SEND_TO_EXPERTS:
        _assign_experts(ctx)
    elif row.action == Action.CONCLUDE_REVIEW:
        app.committee_opinion = ctx.comment.strip()
        app.planned_wan = data["planned_wan"]
    elif row.action == Action.DISBURSE:
        app.disbursed_wan = app.planned_wan
    elif row.action == Action.EVALUATE:
        app.indicator_type = data["indicator_type"]
        app.project_completed_on = data["completed_on"]
        app.targets_met = data.get("targets_met")
        app.reevaluation_due_on = clawback.reevaluation_due_on(
            indicator_type=app.indicator_type, completed_on=app.project_completed_on
        )
    elif row.action == Action.RECOVER:
        app.recovered_wan = data["recovered_wan"]
    elif row.action in (Action.RETURN, Action.REJECT) and row.source == State.PLANNED:
        app.planned_wan = None  # frees the budget
    for key, value in data.items():
        ctx.record.setdefault(
            key,
            value.isoformat()
            if isinstance(value, datetime.date)
            else str(value)
            if isinstance(value, Decimal)
            else value,
        )


# --- The service -------------------------------------------------------------------------------------------


def _lock(application_id: int) -> Application:
    # of=("self",): lock the application row only, not the joined call and region rows (the budget guard
    # locks the call itself when it needs to).
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "region")
        .get(pk=application_id)
    )


TRACKED_FIELDS = (
    "state",
    "version",
    "state_changed_at",
    "award_wan",
    "award_rule",
    "award_explanation",
    "eligible",
    "eligibility_failures",
    "county_accepted_at",
    "check_authenticity",
    "check_completeness",
    "check_compliance",
    "check_consistency",
    "inspected_on",
    "county_document_no",
    "inspection_opinion",
    "review_round",
    "committee_opinion",
    "review_average",
    "planned_wan",
    "disbursed_wan",
    "indicator_type",
    "project_completed_on",
    "reevaluation_due_on",
    "targets_met",
    "cumulative_new_tax_wan",
    "recovery_wan",
    "recovered_wan",
    "updated_at",
)


@transaction.atomic
def application_transition(
    *,
    application_id: int,
    actor,
    action: str,
    comment: str = "",
    data: dict | None = None,
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> ApplicationTransition:
    """Take ``action`` on an application: lock the row, check the table and its guards, write the history row
    and an audit row, and queue notifications for whoever must act next once the transaction commits.

    Raises ``PermissionDenied`` when the actor's role may never take the action on this application (403),
    ``TransitionConflict`` when the state or a guard forbids it now (409), ``ValidationError`` for bad data (400).
    """
    if action not in workflow.ACTIONS:
        raise ValidationError({"action": _("未知操作:%(action)s") % {"action": action}})
    app = _lock(application_id)
    if expected_version is not None and app.version != expected_version:
        raise TransitionConflict(_("该申报已被他人处理(版本 %(v)s),请刷新后重试") % {"v": app.version})
    try:
        row = workflow.find(app.state, action, workflow.actors_for(actor, app))
    except workflow.NotAllowed as exc:
        raise PermissionDenied(
            _("您的角色不能对该申报执行“%(action)s”") % {"action": Action(action).label}
        ) from exc
    except workflow.NotNow as exc:
        raise TransitionConflict(
            _("申报当前为“%(state)s”,不能执行“%(action)s”")
            % {"state": State(app.state).label, "action": Action(action).label}
        ) from exc
    comment = (comment or "").strip()
    ctx = StepContext(
        application=app,
        actor=actor,
        comment=comment,
        data=_clean(row, comment, data or {}),
        today=today or timezone.localdate(),
    )
    before = audit.snapshot(app)
    counted = stagetotals.share(app)
    from_state, old_version = app.state, app.version
    for guard in row.guards:
        GUARDS[guard](ctx)
    target = BRANCHES[row.branch](ctx) if row.branch else row.target
    _effects(row, ctx)
    app.state = target
    app.version = old_version + 1
    app.updated_at = timezone.now()
    if target != from_state:  # a step inside the state (县级受理) does not restart the state's clock
        app.state_changed_at = app.updated_at
    # Version and state check: even where row locks are not available, a step taken on a stale read fails.
    updated = Application.objects.filter(pk=app.pk, version=old_version, state=from_state).update(
        **{name: getattr(app, name) for name in TRACKED_FIELDS}
    )
    if updated != 1:
        raise TransitionConflict(_("该申报已被他人处理,请刷新后重试"))
    stagetotals.moved(counted, stagetotals.share(app))
    step = ApplicationTransition.objects.create(
        application=app,
        action=action,
        from_state=from_state,
        to_state=target,
        actor=actor,
        actor_name=str(actor)[:150],
        comment=comment,
        data=ctx.record,
    )
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=app,
        before=before,
        after=audit.snapshot(app),
        comment=f"{Action(action).label}:{comment}" if comment else str(Action(action).label),
    )
    if target != from_state:  # a step inside the state leaves whoever must act as they were
        transaction.on_commit(lambda: notifications.notify_transition(step.pk))
    return step
