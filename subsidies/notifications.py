"""In-app notices queued on commit after a workflow step: to the people who must act next."""

from __future__ import annotations

from django.urls import reverse

from linfen_admin.notifications import notify
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from . import workflow
from .models import Application, ApplicationTransition, ExpertAssignment, State, bureau_role

RULE = "subsidies.transition"


def users_for_actor(actor: str, application: Application):
    if actor == workflow.COUNTY:
        return list(users_with_role(Role.COUNTY_INDUSTRY, region=application.region))
    if actor == workflow.CITY:
        return list(users_with_role(bureau_role(application.call.domain)).filter(region__isnull=True))
    if actor == workflow.FINANCE:
        return list(users_with_role(Role.FINANCE).filter(region__isnull=True))
    return []


def users_who_must_act(application: Application) -> list:
    """Who must act on ``application`` in its current state (experts who have not scored, in expert review)."""
    users = []
    for actor in sorted(workflow.actors_due(application.state)):
        users += users_for_actor(actor, application)
    if application.state == State.EXPERT_REVIEW:
        users += [a.expert for a in ExpertAssignment.objects.filter(
            application=application, round=application.review_round, score__isnull=True).select_related("expert")]
    return list({user.pk: user for user in users}.values())


def notify_transition(transition_id: int) -> int:
    """Tell whoever must act next (and the county, when the file comes back or is rejected), through the shell's
    notice service: inbox and the daily e-mail digest alike. Returns how many notices were new."""
    step = ApplicationTransition.objects.select_related("application__call", "application__region").get(
        pk=transition_id)
    application = step.application
    recipients = users_who_must_act(application)
    if step.to_state in (State.RETURNED, State.REJECTED) and application.created_by_id:
        recipients.append(application.created_by)
    title = f"{application.enterprise_name}「{application.project_name}」:{step.get_action_display()} → " \
            f"{step.get_to_state_display()}"
    delivery = notify(rule=RULE, obj=application, period=f"t{step.pk}", recipients=recipients, title=title,
                      body=step.comment, url=reverse("subsidies:application-detail", args=[application.pk]),
                      exclude=step.actor)
    return delivery.created
