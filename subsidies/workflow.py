"""The review workflow of 第八–十一条 as a declarative table.

Each row: from which state, which action, to which state, which *actors* may take it, which guards must
hold and which fields the step must carry. ``services.application_transition`` is the only code that runs
it. Actors are roles bound to the application:

- ``county``: COUNTY_INDUSTRY staff of the application's own region (受理、审核、现场核查、推荐、完工评价);
- ``city``: the city bureau of the call's domain — CITY_INDUSTRY for industry, CITY_ENERGY for energy
  (受理、组织专家评审、资金分配计划、报市政府审定);
- ``finance``: 市财政局 (拨付、绩效再评价、收回).
Experts score through ``services.expert_score_submit``; the committee's opinion concludes the review.
"""

from __future__ import annotations

from dataclasses import dataclass

from linfen_admin.roles import Role

from .models import Action, State, bureau_domains

COUNTY = "county"
CITY = "city"
FINANCE = "finance"

ACTOR_LABELS = {COUNTY: "县级工信(能源)主管部门", CITY: "市工信局/市能源局(按领域)", FINANCE: "市财政局"}

# 退回补正 / 不予支持 are possible from each review state, by whoever reviews at that state.
REVIEW_STATES = {
    State.COUNTY_REVIEW: COUNTY,
    State.CITY_REVIEW: CITY,
    State.EXPERT_REVIEW: CITY,
    State.PLANNED: CITY,
}


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    actors: frozenset[str]
    guards: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    # A step with two outcomes names the rule that picks the target (re-evaluation: closed or recovery).
    branch: str | None = None


def _t(source, action, target, actors, guards=(), required=(), branch=None) -> Transition:
    return Transition(
        str(source), str(action), str(target), frozenset(actors), tuple(guards), tuple(required), branch
    )


TRANSITIONS: tuple[Transition, ...] = (
    # Submitting hands the file to the county's own review, eligible or not (its flags are shown there);
    # 第八条(二) bars *recommending* an ineligible project, so the eligibility guard sits on ``recommend``.
    _t(State.DRAFT, Action.SUBMIT, State.COUNTY_REVIEW, {COUNTY}, guards=("recomputed",)),
    _t(State.RETURNED, Action.SUBMIT, State.COUNTY_REVIEW, {COUNTY}, guards=("recomputed",)),
    _t(
        State.COUNTY_REVIEW,
        Action.RECOMMEND,
        State.CITY_REVIEW,
        {COUNTY},
        guards=("eligible",),
        required=("document_no", "inspection_opinion"),
    ),
    _t(State.CITY_REVIEW, Action.SEND_TO_EXPERTS, State.EXPERT_REVIEW, {CITY}, required=("experts",)),
    _t(
        State.EXPERT_REVIEW,
        Action.CONCLUDE_REVIEW,
        State.PLANNED,
        {CITY},
        guards=("experts_scored", "award_positive", "within_budget"),
        required=("comment",),
    ),
    _t(State.PLANNED, Action.APPROVE, State.APPROVED, {CITY}, required=("document_no",)),
    _t(State.APPROVED, Action.DISBURSE, State.DISBURSED, {FINANCE}, required=("document_no",)),
    _t(
        State.DISBURSED,
        Action.EVALUATE,
        State.EVALUATED,
        {COUNTY},
        guards=("evaluation_data",),
        required=("indicator_type", "completed_on", "evaluation_agency"),
    ),
    _t(
        State.EVALUATED,
        Action.REEVALUATE,
        State.CLOSED,
        {FINANCE},
        guards=("reevaluation_due", "reevaluation_data"),
        branch="recovery",
    ),
    _t(
        State.RECOVERY,
        Action.RECOVER,
        State.CLOSED,
        {FINANCE},
        guards=("recovered_in_full",),
        required=("recovered_wan", "document_no"),
    ),
    *(
        _t(state, Action.RETURN, State.RETURNED, {actor}, required=("comment",))
        for state, actor in REVIEW_STATES.items()
    ),
    *(
        _t(state, Action.REJECT, State.REJECTED, {actor}, required=("comment",))
        for state, actor in REVIEW_STATES.items()
    ),
)

ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


class NotAllowed(Exception):
    """The user's role may never take this action on this application (HTTP 403)."""


class NotNow(Exception):
    """The role may take this action, but not in the application's current state (HTTP 409)."""


def actors_for(user, application) -> frozenset[str]:
    """Which workflow actors ``user`` is for ``application`` (by role, region and the call's domain)."""
    actors = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if (
        user.has_role(Role.COUNTY_INDUSTRY)
        and user.region_id is not None
        and user.region_id == application.region_id
    ):
        actors.add(COUNTY)
    if user.region_id is None and application.call.domain in bureau_domains(user):
        actors.add(CITY)
    if user.region_id is None and user.has_role(Role.FINANCE):
        actors.add(FINANCE)
    return frozenset(actors)


def find(state: str, action: str, actors: frozenset[str]) -> Transition:
    """The table row for (state, action) that one of ``actors`` may take; else NotAllowed / NotNow."""
    rows = [t for t in TRANSITIONS if t.action == action]
    if not rows:
        raise ValueError(action)
    mine = [t for t in rows if t.actors & actors]
    if not mine:
        raise NotAllowed(action)
    for row in mine:
        if row.source == state:
            return row
    raise NotNow(action)


def available(state: str, actors: frozenset[str]) -> list[Transition]:
    """Rows the actors may take now, in table order."""
    return [t for t in TRANSITIONS if t.source == state and t.actors & actors]


def actors_due(state: str) -> frozenset[str]:
    """Who must act on an application waiting in ``state`` (return/reject aside)."""
    return (
        frozenset().union(
            *(
                t.actors
                for t in TRANSITIONS
                if t.source == state and t.action not in (Action.RETURN, Action.REJECT)
            )
        )
        if state
        else frozenset()
    )
