"""The review workflow of 第八–十一条 as a declarative table.

Each row: from which state, which action, to which state, which *actors* may take it, which guards must
hold and which fields the step must carry. ``services.application_transition`` is the only code that runs
it. Actors are roles bound to the application:

- ``county``: COUNTY_INDUSTRY staff of the application's own region (受理、审核、现场核查、推荐、完工评价);
- ``city``: the city bureau of the call's domain — CITY_INDUSTRY for industry, CITY_ENERGY for energy
  (受理、组织专家评审、资金分配计划、报市政府审定);
- ``finance``: 市财政局 (拨付、绩效再评价、收回).
A row whose target is its source is a step inside that state (县级受理、审核与现场核查 inside 县级审核): recorded in
the history like any other, it leaves the state and its clock as they are. Experts of the round's committee
(``ReviewCommittee``, with its 驻局纪检组 member) score through ``services.expert_score_submit``; the committee's
opinion concludes the review. 市政府审定 is taken for every application of an allocation plan at once
(``services.allocation_plan_approve``), and the disbursement's branch closes an award that is not a project award
(第十一条).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin.roles import Role

from .models import Action, Application, State, bureau_domains, bureau_role

COUNTY = "county"
CITY = "city"
FINANCE = "finance"

ACTOR_LABELS = {
    COUNTY: gettext_lazy("县级工信(能源)主管部门"),
    CITY: gettext_lazy("市工信局/市能源局(按领域)"),
    FINANCE: gettext_lazy("市财政局"),
}

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
    # 第八条(二) bars *recommending* an ineligible project, so the eligibility guard sits on ``recommend``. 第十条:
    # a project award states its expected indicators and the undertaking to return the funds when applying.
    _t(State.DRAFT, Action.SUBMIT, State.COUNTY_REVIEW, {COUNTY}, guards=("recomputed", "commitments")),
    _t(State.RETURNED, Action.SUBMIT, State.COUNTY_REVIEW, {COUNTY}, guards=("recomputed", "commitments")),
    # 第八条(二) 县级受理, then 第十条 审核 (真实性、完整性、合规性、一致性, confirmed one by one) and 现场核查 (its
    # date): steps inside 县级审核 (the state stays), each recorded in the history.
    _t(State.COUNTY_REVIEW, Action.ACCEPT, State.COUNTY_REVIEW, {COUNTY}, guards=("not_accepted",)),
    _t(
        State.COUNTY_REVIEW,
        Action.COUNTY_CHECK,
        State.COUNTY_REVIEW,
        {COUNTY},
        guards=("county_accepted", "check_data"),
    ),
    # 第八条(二) 正式文件推荐上报: the county's 文号, once the four checks and the inspection are done.
    _t(
        State.COUNTY_REVIEW,
        Action.RECOMMEND,
        State.CITY_REVIEW,
        {COUNTY},
        guards=("county_checked", "eligible"),
        required=("document_no", "inspection_opinion"),
    ),
    # 市级受理 by the bureau of the call's domain (``actors_for``), which sends the file to the committee of the
    # round (第八条(三) 驻局纪检组及相关专家组成评审委员会).
    _t(
        State.CITY_REVIEW,
        Action.SEND_TO_EXPERTS,
        State.EXPERT_REVIEW,
        {CITY},
        guards=("committee_ready",),
        required=("committee",),
    ),
    _t(
        State.EXPERT_REVIEW,
        Action.CONCLUDE_REVIEW,
        State.PLANNED,
        {CITY},
        guards=("experts_scored", "award_positive", "within_budget"),
        required=("comment",),
    ),
    # 第八条(三) 资金分配计划报市政府审定: only through the allocation plan that lists the application
    # (``services.allocation_plan_approve`` moves every listed application in one act).
    _t(
        State.PLANNED,
        Action.APPROVE,
        State.APPROVED,
        {CITY},
        guards=("plan_approving",),
        required=("document_no", "plan"),
    ),
    # 第八条(三)(四) 送市财政局, which pays; 第十一条: only a project award goes on to completion evaluation — a
    # title, certificate or revenue award is closed once paid.
    _t(
        State.APPROVED,
        Action.DISBURSE,
        State.DISBURSED,
        {FINANCE},
        guards=("finance_copied",),
        required=("document_no",),
        branch="project_award",
    ),
    _t(
        State.DISBURSED,
        Action.EVALUATE,
        State.EVALUATED,
        {COUNTY},
        guards=("project_award", "evaluation_data"),
        required=("completed_on", "evaluation_agency"),
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


# --- Where an application stands: the steps of the table in order ------------------------------------------

SIDE_ACTIONS = (Action.RETURN, Action.REJECT)  # exits from a review state, not steps of the line


def actor_label(actor: str, application) -> str:
    """Who ``actor`` is for this application, in words: the county bureau of its region, the city bureau of its
    call's domain, or 市财政局."""
    if actor == COUNTY:
        return _("%(region)s县级工信(能源)主管部门") % {"region": application.region.name}
    if actor == CITY:
        return str(Role(bureau_role(application.call.domain)).label)
    if actor == FINANCE:
        return str(Role.FINANCE.label)
    return str(ACTOR_LABELS.get(actor, actor))


def _forward() -> dict[str, Transition]:
    """Each state's step forward (a step that stays in its state, like 县级受理, is part of that state's work)."""
    return {t.source: t for t in TRANSITIONS if t.action not in SIDE_ACTIONS and t.target != t.source}


def inner_steps(state: str) -> list[Transition]:
    """The steps taken inside ``state`` before its step forward (县级受理、审核与现场核查 inside 县级审核)."""
    return [t for t in TRANSITIONS if t.source == state and t.target == state]


def skipped_states(application) -> set[str]:
    """States of the main line an application never passes through: the disbursement's branch closes a
    title, certificate or revenue award once paid (第十一条 completion evaluation is for project awards only)."""
    if application.is_project_award:
        return set()
    line = main_line()
    skipped = set()
    for row in TRANSITIONS:
        if row.branch == "project_award" and row.source in line:
            start = line.index(row.source) + 1
            end = line.index(State.CLOSED) if State.CLOSED in line else len(line)
            skipped.update(line[start:end])
    return skipped


def main_line() -> list[str]:
    """The states an application passes through when every step goes forward, from the model's initial state:
    follow each state's forward row of ``TRANSITIONS``."""
    forward = _forward()
    line = [str(Application._meta.get_field("state").default)]
    while line[-1] in forward and forward[line[-1]].target not in line:
        line.append(forward[line[-1]].target)
    return line


def _twins(line: list[str]) -> dict[str, str]:
    """States off the line that take the same step as a state on it (退回补正 is submitted again like 草稿)."""
    forward = _forward()
    on_line = {(forward[s].action, forward[s].target): s for s in line if s in forward}
    return {
        source: on_line[(row.action, row.target)]
        for source, row in forward.items()
        if source not in line and (row.action, row.target) in on_line
    }


def _detours(line: list[str], twins: dict[str, str]) -> dict[str, list[str]]:
    """States a branching row may lead to instead of its target, after the branching state (待收回资金)."""
    forward = _forward()
    detours: dict[str, list[str]] = {}
    for state in line:
        row = forward.get(state)
        if row is None or not row.branch:
            continue
        detours[state] = [
            source
            for source, other in forward.items()
            if other.target == row.target and source not in line and source not in twins
        ]
    return detours


@dataclass
class Step:
    state: str
    label: str
    status: str  # done | current | todo | ended
    who: str = ""  # who acts at this step
    action: str = ""  # what finishes it
    done_at: datetime | None = None
    done_by: str = ""
    comment: str = ""
    next: list[tuple[str, str]] = field(default_factory=list)  # (action, who) open now
    exits: list[str] = field(default_factory=list)  # 退回补正 / 不予支持, when open now
    note: str = ""
    # Steps taken inside this state (县级受理、审核与现场核查): (label, done, when, by whom).
    inner: list[tuple[str, bool, datetime | None, str]] = field(default_factory=list)


def steps(application, history) -> list[Step]:
    """The stepper of one application, derived from ``TRANSITIONS`` and its history: the steps done (when, by
    whom), the current one with the next action(s) and who takes them, and the steps to come. An application
    returned for correction stands at the first step again; a rejected one ends where it was rejected."""
    history = list(history)
    forward = _forward()
    line = main_line()
    twins = _twins(line)
    visited = {row.to_state for row in history} | {application.state}
    for state, branch_states in _detours(line, twins).items():
        taken = [s for s in branch_states if s in visited]
        if taken:
            at = line.index(state) + 1
            line[at:at] = taken
    state = application.state
    ended = None
    if state in line:
        position = line.index(state)
    elif state in twins:
        position = line.index(twins[state])
    else:  # an end off the line (不予支持): where it was taken
        ended = next((row for row in reversed(history) if row.to_state == state), None)
        source = ended.from_state if ended else line[0]
        source = twins.get(source, source)
        position = line.index(source) if source in line else 0

    def group(s):
        return {s} | {twin for twin, of in twins.items() if of == s}

    skipped = skipped_states(application)
    result = []
    for index, s in enumerate(line):
        row = forward.get(s)
        actors = sorted(row.actors) if row else []
        if s in skipped:  # 第十一条: not a step of this award
            result.append(
                Step(state=s, label=str(State(s).label), status="skipped", note=_("非项目类奖励,无需此环节"))
            )
            continue
        step = Step(
            state=s,
            label=str(State(s).label),
            status="todo",
            who="、".join(actor_label(a, application) for a in actors),
            action=str(Action(row.action).label) if row else "",
        )
        if row and "experts_scored" in row.guards:
            step.note = _("评审专家评分后")
        for inner in inner_steps(s):
            last = None
            for h in reversed(
                history
            ):  # this stay in ``s`` only: a file returned and resubmitted starts again
                if h.to_state == s and h.from_state != s:
                    break
                if h.from_state == s and h.action == inner.action:
                    last = h
                    break
            step.inner.append(
                (
                    str(Action(inner.action).label),
                    last is not None or index < position,
                    last.at if last else None,
                    last.actor_name if last else "",
                )
            )
        if index < position:
            step.status = "done"
            last = next(
                (h for h in reversed(history) if h.from_state in group(s) and h.action == row.action), None
            )
            if last is not None:
                step.done_at, step.done_by = last.at, last.actor_name
        elif index == position:
            if ended is not None:
                step.status, step.label = "ended", str(State(state).label)
                step.done_at, step.done_by, step.comment = ended.at, ended.actor_name, ended.comment
                step.who = step.action = ""
                result.append(step)
                break
            step.status = "current"
            if state != s:
                step.label = str(State(state).label)
            done_inside = {label for label, done, _at, _by in step.inner if done}
            rows = [
                t
                for t in TRANSITIONS
                if t.source == state
                and not (t.target == t.source and str(Action(t.action).label) in done_inside)
            ]
            step.next = [
                (
                    str(Action(t.action).label),
                    "、".join(actor_label(a, application) for a in sorted(t.actors)),
                )
                for t in rows
                if t.action not in SIDE_ACTIONS
            ]
            step.exits = [str(Action(t.action).label) for t in rows if t.action in SIDE_ACTIONS]
        result.append(step)
    return result
