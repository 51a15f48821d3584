"""Every action × role through ``POST /api/v1/subsidies/applications/{id}/transitions/``: 200 / 403 / 404 / 409.

The expectations come from DESIGN.md (who acts where), written here independently of ``subsidies.workflow``:
county actions by 尧都区 staff (the application's region), city actions by 市工信局 (industry domain),
``disburse``/``reevaluate``/``recover`` by 市财政局; nobody else may act.
"""

import datetime

import pytest
from django.utils import timezone

from subsidies.models import AllocationLine, AllocationPlan, CommitteeMember, ReviewCommittee, State

URL = "/api/v1/subsidies/applications/{}/transitions/"

# (source state, action, actor per DESIGN.md, payload)
STEPS = [
    (State.DRAFT, "submit", "county", {}),
    (State.RETURNED, "submit", "county", {}),
    # 第八条(二) 县级受理 and 第十条 审核 (四项) with 现场核查: steps inside 县级审核.
    (State.COUNTY_REVIEW, "accept", "county", {}),
    (
        State.COUNTY_REVIEW,
        "county_check",
        "county",
        {"authenticity": True, "completeness": True, "inspected_on": "2026-04-02"},
    ),
    (
        State.COUNTY_REVIEW,
        "recommend",
        "county",
        {
            "document_no": "尧工信字〔2026〕8 号",
            "inspection_opinion": "经现场核查,材料真实、完整、合规、一致",
        },
    ),
    (State.CITY_REVIEW, "send_to_experts", "city", {"committee": "COMMITTEE"}),
    (State.EXPERT_REVIEW, "conclude_review", "city", {"comment": "评审委员会同意支持"}),
    (State.PLANNED, "approve", "city", {"document_no": "临政函〔2026〕30 号", "plan": "PLAN"}),
    (State.APPROVED, "disburse", "finance", {"document_no": "临财企〔2026〕12 号"}),
    (
        State.DISBURSED,
        "evaluate",
        "county",
        {
            "completed_on": "2020-03-01",
            "evaluation_agency": "山西某会计师事务所",
            "comment": "完工",
        },
    ),
    (State.EVALUATED, "reevaluate", "finance", {"cumulative_new_tax_wan": "400"}),
    (State.RECOVERY, "recover", "finance", {"recovered_wan": "180", "document_no": "临财收〔2031〕1 号"}),
    *[
        (state, action, actor, {"comment": "材料不全,请补正"})
        for state, actor in (
            (State.COUNTY_REVIEW, "county"),
            (State.CITY_REVIEW, "city"),
            (State.EXPERT_REVIEW, "city"),
            (State.PLANNED, "city"),
        )
        for action in ("return", "reject")
    ],
]
# Which actors may take each action in some state (DESIGN.md): a role outside these gets 403, inside but in the
# wrong state 409.
ACTION_ACTORS = {
    "submit": {"county"},
    "accept": {"county"},
    "county_check": {"county"},
    "recommend": {"county"},
    "send_to_experts": {"city"},
    "conclude_review": {"city"},
    "approve": {"city"},
    "disburse": {"finance"},
    "evaluate": {"county"},
    "reevaluate": {"finance"},
    "recover": {"finance"},
    "return": {"county", "city"},
    "reject": {"county", "city"},
}
INNER = {"accept", "county_check"}  # steps that stay in their state
ROLE_ACTOR = {"yaodu_industry": "county", "city_industry": "city", "finance": "finance"}
ROLES = [
    "yaodu_industry",
    "hongdong_industry",
    "city_industry",
    "city_energy",
    "finance",
    "expert1",
    "leader",
    "admin",
    "yaodu_land",
]


def visible(role: str, state: str) -> bool:
    """Scoping of DESIGN.md: other region, other domain, or no subsidies role → not found."""
    if role in ("hongdong_industry", "city_energy", "yaodu_land"):
        return False
    if role == "expert1":
        return state == State.EXPERT_REVIEW
    if role in ("city_industry", "finance"):
        return state != State.DRAFT
    return True


def expected_status(role: str, state: str, action: str, source: str) -> int:
    if not visible(role, state):
        return 404
    actor = ROLE_ACTOR.get(role)
    if actor is None or actor not in ACTION_ACTORS[action]:
        return 403
    allowed_here = any(s == state and a == action and who == actor for s, a, who, _ in STEPS)
    return 200 if allowed_here else 409


# What each inner step of 县级审核 needs to be open: not yet accepted for ``accept``, accepted for ``county_check``.
BEFORE_INNER = {
    "accept": {"county_checked": False, "submitted": True},
    "county_check": {"county_checked": False, "submitted": True, "county_accepted_at": timezone.now},
}


def _prepare(make_application, score, users, state, action=None):
    fields = {
        key: value() if callable(value) else value for key, value in BEFORE_INNER.get(action, {}).items()
    }
    application = (
        make_application(state, **fields) if state == State.COUNTY_REVIEW else make_application(state)
    )
    if state == State.EXPERT_REVIEW:
        score(application, users["expert1"])
    return application


def _committee(call, users):
    """The call's committee of round 1 (驻局纪检组 member and expert1), made once."""
    committee, created = ReviewCommittee.objects.get_or_create(
        call=call, round=1, defaults={"formed_on": datetime.date(2026, 5, 1)}
    )
    if created:
        CommitteeMember.objects.create(
            committee=committee, name="王纪检", unit="驻局纪检组", discipline_inspector=True
        )
        CommitteeMember.objects.create(
            committee=committee, name="专家", unit="专家库", expert=users["expert1"]
        )
    return committee


def _payload(payload, users, application):
    data = dict(payload)
    if data.get("committee") == "COMMITTEE":
        data["committee"] = _committee(application.call, users).pk
    if (
        data.get("plan") == "PLAN"
    ):  # 市政府审定 goes with the plan that lists the application, before the government
        plan = AllocationPlan.objects.create(
            call=application.call, title="方案", status=AllocationPlan.Status.SUBMITTED
        )
        AllocationLine.objects.create(plan=plan, application=application, amount_wan=application.planned_wan)
        data["plan"] = plan.pk
    return data


def _post(api, user, application, body):
    return api.as_user(user).post(URL.format(application.pk), body, format="json")


@pytest.mark.parametrize(
    ("source", "action"), [(s, a) for s, a, _, _ in STEPS], ids=[f"{s}-{a}" for s, a, _, _ in STEPS]
)
def test_action_in_its_state(api, users, make_application, score, source, action):
    """For each role: a fresh application in ``source``; the answer must match the table (one role per row)."""
    payload = next(p for s, a, _, p in STEPS if s == source and a == action)
    got, want = {}, {}
    for role in ROLES:
        application = _prepare(make_application, score, users, source, action)
        body = {"action": action, **_payload(payload, users, application)}
        response = _post(api, users[role], application, body)
        got[role], want[role] = response.status_code, expected_status(role, source, action, source)
        application.refresh_from_db()
        if response.status_code == 200:
            assert application.state != source or action in INNER
            assert response.json()["from_state"] == source
            assert application.transitions.get().action == action
        else:
            assert application.state == source
            assert not application.transitions.exists()
            assert application.version == 1
    assert got == want
    assert 200 in got.values()


WRONG_STATE = State.CLOSED  # no action leaves it


@pytest.mark.parametrize("action", list(ACTION_ACTORS))
def test_action_in_a_state_that_does_not_allow_it(api, users, make_application, action):
    application = make_application(WRONG_STATE)
    got, want = {}, {}
    for role in ROLES:
        response = _post(api, users[role], application, {"action": action, "comment": "x"})
        got[role], want[role] = response.status_code, expected_status(role, WRONG_STATE, action, None)
        if response.status_code == 409:
            assert response.json()["code"] == "conflict"
    assert got == want
    application.refresh_from_db()
    assert application.state == WRONG_STATE


def test_energy_application_is_acted_on_by_the_energy_bureau(api, users, make_application):
    from tests.subsidies.conftest import CallFactory

    energy_call = CallFactory(domain="energy")
    application = make_application(State.CITY_REVIEW, call=energy_call)
    body = {"action": "send_to_experts", "committee": _committee(energy_call, users).pk}
    assert (
        api.as_user(users["city_industry"]).post(URL.format(application.pk), body, format="json").status_code
        == 404
    )
    assert (
        api.as_user(users["city_energy"]).post(URL.format(application.pk), body, format="json").status_code
        == 200
    )


def test_unknown_action_is_malformed(api, users, make_application):
    application = make_application(State.DRAFT)
    response = api.as_user(users["yaodu_industry"]).post(
        URL.format(application.pk), {"action": "fly"}, format="json"
    )
    assert response.status_code == 400


def _outcome(state, action, actors):
    from subsidies import workflow

    try:
        row = workflow.find(state, action, frozenset(actors))
    except workflow.NotAllowed:
        return 403
    except workflow.NotNow:
        return 409
    return row.target


FULL = [
    (state, action, actor)
    for state in State.values
    for action in ACTION_ACTORS
    for actor in ("county", "city", "finance", None)
]


def test_the_whole_table_state_by_state():
    """Every state × action × actor against DESIGN.md (cheap: no HTTP), including the targets."""
    targets = {
        "submit": State.COUNTY_REVIEW,
        "accept": State.COUNTY_REVIEW,
        "county_check": State.COUNTY_REVIEW,
        "recommend": State.CITY_REVIEW,
        "send_to_experts": State.EXPERT_REVIEW,
        "conclude_review": State.PLANNED,
        "approve": State.APPROVED,
        "disburse": State.DISBURSED,
        "evaluate": State.EVALUATED,
        "reevaluate": State.CLOSED,
        "recover": State.CLOSED,
        "return": State.RETURNED,
        "reject": State.REJECTED,
    }
    mismatches = []
    for state, action, actor in FULL:
        actors = {actor} if actor else set()
        if actor is None or actor not in ACTION_ACTORS[action]:
            expected = 403
        elif any(s == state and a == action and who == actor for s, a, who, _ in STEPS):
            expected = targets[action]
        else:
            expected = 409
        got = _outcome(state, action, actors)
        if got != expected:
            mismatches.append((state, action, actor, got, expected))
    assert mismatches == []
