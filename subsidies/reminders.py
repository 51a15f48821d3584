"""Reminder rule: an application waiting in one step longer than the step allows (limits are data: StepLimit)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from linfen_admin.registry import ObjectRef, Reminder, detail_url

from .models import Application, ExpertAssignment, State, StepLimit
from .notifications import Recipients


def collect_overdue_steps(as_of: datetime.date) -> Iterator[Reminder]:
    """One reminder per application and stay in a step (period = the day it entered the step), to whoever
    must act now. Derived from the database, so a missed day is caught up by the next run."""
    limits = {limit.state: limit.days for limit in StepLimit.objects.all()}
    if not limits:
        return
    # overdue ⇔ entered (a local date) + limit < as_of ⇔ entered before local midnight of as_of − limit: in SQL, so
    # the sweep reads only the files that are late, not every file waiting in a step with a limit
    late = Q(pk__in=[])
    for state, days in limits.items():
        midnight = datetime.datetime.combine(as_of - datetime.timedelta(days=days), datetime.time.min)
        late |= Q(state=state, state_changed_at__lt=timezone.make_aware(midnight))
    waiting = (
        Application.objects.filter(late)
        .order_by("pk")
        .values_list(
            "pk", "state", "state_changed_at", "region_id", "call__domain", "enterprise_name", "project_name"
        )
    )
    # Who must act is read once per kind of actor (``Recipients``), plus in expert review the experts of the current
    # round who have not scored yet (one query for all): a fixed number of queries, whatever the number of files.
    # The files are read as plain values: a sweep may meet a hundred thousand of them.
    book = Recipients()
    unscored: dict[int, list] = {}
    if State.EXPERT_REVIEW in limits:
        for assignment in (
            ExpertAssignment.objects.filter(
                application__state=State.EXPERT_REVIEW,
                round=F("application__review_round"),
                score__isnull=True,
            )
            .select_related("expert")
            .order_by("application_id", "expert_id")
        ):
            unscored.setdefault(assignment.application_id, []).append(assignment.expert)
    url = detail_url("subsidies:application-detail")
    state_labels = {value: str(label) for value, label in State.choices}  # translated once, not per file
    for pk, state, changed_at, region_id, domain, enterprise, project in waiting.iterator(chunk_size=2000):
        entered = timezone.localtime(changed_at).date()
        days = limits[state]
        due = entered + datetime.timedelta(days=days)  # before as_of: the SQL above selects only late files
        recipients = book.acting_in(state, region_id=region_id, domain=domain) + unscored.get(pk, [])
        if not recipients:
            continue
        overdue = (as_of - due).days
        yield Reminder(
            obj=ObjectRef(Application, pk),
            period=f"{state}:{entered.isoformat()}",
            recipients=recipients,
            title=f"技改资金申报「{enterprise} · {project}」在“{state_labels[state]}”环节已超时 {overdue} 天",
            body=f"该环节办理时限 {days} 天,{entered.isoformat()} 进入,应于 {due.isoformat()} 前办结。",
            url=url(pk),
        )


REEVALUATION_NOTICE_DAYS = 30  # how long before the re-evaluation date 市财政局 is told


def collect_reevaluations_due(as_of: datetime.date) -> Iterator[Reminder]:
    """第九条、第十一条: an evaluated project whose 5-year re-evaluation (economic indicators, 完工 5 年后) or
    completion assessment (technical indicators) falls due — once 30 days ahead, once on the date (and after it,
    until re-evaluated) — to 市财政局, who re-evaluates."""
    horizon = as_of + datetime.timedelta(days=REEVALUATION_NOTICE_DAYS)
    waiting = Application.objects.filter(
        state=State.EVALUATED, reevaluation_due_on__isnull=False, reevaluation_due_on__lte=horizon
    ).select_related("call", "region")
    book = Recipients()
    for application in waiting.iterator(chunk_size=2000):
        due = application.reevaluation_due_on
        recipients = book.must_act(application, include_experts=False)
        if not recipients:
            continue
        reached = as_of >= due
        yield Reminder(
            obj=application,
            period=f"{'due' if reached else 'ahead'}:{due.isoformat()}",
            recipients=recipients,
            title=f"技改资金项目「{application.enterprise_name} · {application.project_name}」"
            + ("已到绩效再评价日期" if reached else "即将到绩效再评价日期"),
            body=f"绩效再评价日期 {due.isoformat()}(第十一条)。",
            url=reverse("subsidies:application-detail", args=[application.pk]),
        )
