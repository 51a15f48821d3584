"""In-app notices queued on commit after a workflow step: to the people who must act next."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from linfen_admin.models import Notification
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from . import workflow
from .models import Application, ApplicationTransition, Domain, ExpertAssignment, State

RULE = "subsidies.transition"


def users_for_actor(actor: str, application: Application):
    if actor == workflow.COUNTY:
        return list(users_with_role(Role.COUNTY_INDUSTRY, region=application.region))
    if actor == workflow.CITY:
        role = Role.CITY_INDUSTRY if application.call.domain == Domain.INDUSTRY else Role.CITY_ENERGY
        return list(users_with_role(role).filter(region__isnull=True))
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
    step = ApplicationTransition.objects.select_related("application__call", "application__region").get(
        pk=transition_id)
    application = step.application
    recipients = users_who_must_act(application)
    if step.to_state in (State.RETURNED, State.REJECTED) and application.created_by_id:
        recipients.append(application.created_by)
    content_type = ContentType.objects.get_for_model(Application)
    title = f"{application.enterprise_name}「{application.project_name}」:{step.get_action_display()} → " \
            f"{step.get_to_state_display()}"
    url = reverse("subsidies:application-detail", args=[application.pk])
    rows = [Notification(recipient=user, rule=RULE, content_type=content_type, object_id=str(application.pk),
                         period=f"t{step.pk}", title=title[:200], body=step.comment, url=url)
            for user in {u.pk: u for u in recipients}.values() if user.pk != step.actor_id]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
