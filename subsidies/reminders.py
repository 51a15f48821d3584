"""Reminder rule: an application waiting in one step longer than the step allows (limits are data: StepLimit)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from linfen_admin.registry import Reminder

from .models import Application, State, StepLimit
from .notifications import users_who_must_act


def _entered_on(application: Application) -> datetime.date:
    return timezone.localtime(application.state_changed_at).date()


def collect_overdue_steps(as_of: datetime.date) -> Iterator[Reminder]:
    """One reminder per application and stay in a step (period = the day it entered the step), to whoever
    must act now. Derived from the database, so a missed day is caught up by the next run."""
    limits = {limit.state: limit.days for limit in StepLimit.objects.all()}
    if not limits:
        return
    waiting = Application.objects.filter(state__in=limits.keys()).select_related("call", "region")
    # Who must act depends on the step, region and domain alone, except in expert review (the unscored experts of
    # that application): one recipient query per group, not per application.
    recipients_by_group: dict[tuple, list] = {}
    for application in waiting.iterator():
        entered = _entered_on(application)
        days = limits[application.state]
        due = entered + datetime.timedelta(days=days)
        if as_of <= due:
            continue
        if application.state == State.EXPERT_REVIEW:
            recipients = users_who_must_act(application)
        else:
            group = (application.state, application.region_id, application.call.domain)
            if group not in recipients_by_group:
                recipients_by_group[group] = users_who_must_act(application)
            recipients = recipients_by_group[group]
        if not recipients:
            continue
        overdue = (as_of - due).days
        yield Reminder(
            obj=application,
            period=f"{application.state}:{entered.isoformat()}",
            recipients=recipients,
            title=f"技改资金申报「{application.enterprise_name} · {application.project_name}」"
                  f"在“{application.get_state_display()}”环节已超时 {overdue} 天",
            body=f"该环节办理时限 {days} 天,{entered.isoformat()} 进入,应于 {due.isoformat()} 前办结。",
            url=reverse("subsidies:application-detail", args=[application.pk]),
        )
