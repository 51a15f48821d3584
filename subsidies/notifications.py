"""In-app notices queued on commit after a workflow step: to the people who must act next."""

from __future__ import annotations

from django.urls import reverse

from linfen_admin.notifications import notify
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from . import workflow
from .models import Application, ApplicationTransition, ExpertAssignment, State, bureau_role

RULE = "subsidies.transition"


class Recipients:
    """Who acts for each workflow actor: county staff by region, the city bureau of a domain, finance. Each group
    is read once (one query) and reused, so a sweep over many applications costs a fixed number of queries."""

    def __init__(self):
        self._county: dict[int, list] | None = None
        self._by_role: dict[str, list] = {}

    def _city_level(self, role) -> list:
        if role not in self._by_role:
            self._by_role[role] = list(users_with_role(role).filter(region__isnull=True))
        return self._by_role[role]

    def for_actor(self, actor: str, *, region_id: int, domain: str) -> list:
        if actor == workflow.COUNTY:
            if self._county is None:
                self._county = {}
                for user in users_with_role(Role.COUNTY_INDUSTRY).exclude(region=None):
                    self._county.setdefault(user.region_id, []).append(user)
            return self._county.get(region_id, [])
        if actor == workflow.CITY:
            return self._city_level(bureau_role(domain))
        if actor == workflow.FINANCE:
            return self._city_level(Role.FINANCE)
        return []

    def acting_in(self, state: str, *, region_id: int, domain: str) -> list:
        """Who must act on a file in ``state`` from region ``region_id`` under a call of ``domain`` (experts
        aside): what a sweep asks of files it reads as plain values."""
        users = []
        for actor in sorted(workflow.actors_due(state)):
            users += self.for_actor(actor, region_id=region_id, domain=domain)
        return list({user.pk: user for user in users}.values())

    def must_act(self, application: Application, *, include_experts: bool = True) -> list:
        """Who must act on ``application`` in its current state (and, in expert review, the experts of the
        current round who have not scored yet, unless the caller adds them itself)."""
        users = self.acting_in(
            application.state, region_id=application.region_id, domain=application.call.domain
        )
        if include_experts and application.state == State.EXPERT_REVIEW:
            users += [
                a.expert
                for a in ExpertAssignment.objects.filter(
                    application=application, round=application.review_round, score__isnull=True
                ).select_related("expert")
            ]
        return list({user.pk: user for user in users}.values())


def users_who_must_act(application: Application) -> list:
    return Recipients().must_act(application)


def notify_transition(transition_id: int) -> int:
    """Tell whoever must act next (and the county, when the file comes back or is rejected), through the shell's
    notice service: inbox and the daily e-mail digest alike. Returns how many notices were new."""
    step = ApplicationTransition.objects.select_related("application__call", "application__region").get(
        pk=transition_id
    )
    application = step.application
    recipients = users_who_must_act(application)
    if step.to_state in (State.RETURNED, State.REJECTED) and application.created_by_id:
        recipients.append(application.created_by)
    title = (
        f"{application.enterprise_name}「{application.project_name}」:{step.get_action_display()} → "
        f"{step.get_to_state_display()}"
    )
    delivery = notify(
        rule=RULE,
        obj=application,
        period=f"t{step.pk}",
        recipients=recipients,
        title=title,
        body=step.comment,
        url=reverse("subsidies:application-detail", args=[application.pk]),
        exclude=step.actor,
    )
    return delivery.created
