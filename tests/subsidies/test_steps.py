"""The steps of 第八–十一条 as the seed writes them, each rule a table of cases with its seed line:

- 第八条(二) 县级受理; 第十条 真实性、完整性、合规性、一致性审核 confirmed one by one and 现场核查 (its date) before
  第八条(二) 正式文件推荐上报 (the county's 文号);
- 第八条(三) 驻局纪检组及相关专家组成评审委员会: no scoring without the 驻局纪检组 member; the average of the scores;
- 第八条(三) 确定拟支持项目和资金分配计划报市政府审定后送市财政局: the plan within the budget, approved as one act;
- 第十一条 对于申报项目类奖励资金的: completion evaluation for project awards only; 完工 5 年后 re-evaluation;
- 第十条 企业(单位)应在申报材料中明确项目预期指标……并承诺项目未达到预期指标退还专项资金.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from linfen_admin.models import AuditEvent
from subsidies import selectors, services, stagetotals, workflow
from subsidies.models import AllocationPlan, Application, ApplicationTransition, Category, State
from subsidies.reminders import collect_reevaluations_due
from subsidies.services import TransitionConflict, application_transition

from .conftest import TODAY, CallFactory

APPS = "/api/v1/subsidies/applications/"
PLANS = "/api/v1/subsidies/plans/"
COMMITTEES = "/api/v1/subsidies/committees/"


def step(application, user, action, comment="", today=TODAY, **data):
    return application_transition(
        application_id=application.pk, actor=user, action=action, comment=comment, data=data, today=today
    )


def just_filed(make_application, **fields):
    """An application submitted to its county, not yet accepted."""
    return make_application(State.COUNTY_REVIEW, submitted=True, county_checked=False, **fields)


# --- 第八条(二)、第十条: acceptance, the four checks, the inspection, the recommendation ----------------------

CHECKS = ["authenticity", "completeness", "compliance", "consistency"]
LABELS = {"authenticity": "真实性", "completeness": "完整性", "compliance": "合规性", "consistency": "一致性"}


@pytest.mark.parametrize(
    ("confirmed", "inspected"),
    [
        ([], False),
        (["authenticity"], True),
        (["authenticity", "completeness", "compliance"], True),
        (CHECKS, False),
        (CHECKS, True),
    ],
    ids=["nothing", "one-check", "three-checks", "no-inspection-date", "all-four-and-date"],
)
def test_recommendation_waits_for_the_four_checks_and_the_inspection_date(
    users, make_application, confirmed, inspected
):
    """第十条 出具……真实性、完整性、合规性、一致性审核意见; 第八条(二) 组织开展现场核查工作 — then 推荐上报."""
    clerk = users["yaodu_industry"]
    application = just_filed(make_application)
    step(application, clerk, "accept")
    for name in confirmed:  # one by one, each a step of its own in the history
        step(application, clerk, "county_check", **{name: True})
    if inspected:
        step(application, clerk, "county_check", inspected_on="2026-05-10")
    ready = set(confirmed) == set(CHECKS) and inspected
    if ready:
        step(application, clerk, "recommend", document_no="尧工信字〔2026〕8 号", inspection_opinion="属实")
        application.refresh_from_db()
        assert application.state == State.CITY_REVIEW
        assert application.county_document_no == "尧工信字〔2026〕8 号"
        return
    with pytest.raises(TransitionConflict) as excinfo:
        step(application, clerk, "recommend", document_no="尧工信字〔2026〕8 号", inspection_opinion="属实")
    message = str(excinfo.value)
    for name in CHECKS:
        assert (LABELS[name] in message) == (name not in confirmed)
    assert ("现场核查日期" in message) == (not inspected)
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


@pytest.mark.parametrize(
    ("prepare", "action", "data", "error"),
    [
        ("filed", "county_check", {"authenticity": True}, TransitionConflict),  # 受理 first
        ("accepted", "accept", {}, TransitionConflict),  # once
        ("accepted", "county_check", {}, ValidationError),  # says what it confirms
        ("accepted", "county_check", {"inspected_on": "2026-05-21"}, ValidationError),  # not in the future
        ("checked", "recommend", {"inspection_opinion": "属实"}, ValidationError),  # 正式文件: the 文号
    ],
    ids=["check-before-acceptance", "accept-twice", "empty-check", "future-inspection", "no-document-no"],
)
def test_county_steps_refuse(users, make_application, prepare, action, data, error):
    """第八条(二) 县级受理 → 第十条 审核与现场核查 → 以正式文件推荐上报 (文号), in that order."""
    clerk = users["yaodu_industry"]
    application = just_filed(make_application)
    if prepare in ("accepted", "checked"):
        step(application, clerk, "accept")
    if prepare == "checked":
        step(application, clerk, "county_check", **dict.fromkeys(CHECKS, True), inspected_on="2026-05-02")
    with pytest.raises(error):
        step(application, clerk, action, **data)


def test_steps_inside_county_review_keep_the_state_and_its_clock(users, make_application):
    application = just_filed(make_application)
    entered = application.state_changed_at
    step(application, users["yaodu_industry"], "accept", "材料齐全")
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW and application.state_changed_at == entered
    assert application.county_accepted_at is not None
    row = application.transitions.get()
    assert (row.action, row.from_state, row.to_state) == ("accept", State.COUNTY_REVIEW, State.COUNTY_REVIEW)
    assert AuditEvent.objects.for_object(application).filter(comment__contains="县级受理").exists()


def test_a_returned_file_is_accepted_and_checked_again(users, make_application):
    """A file returned for correction (退回补正) comes back to a county that has not yet accepted it."""
    application = make_application(State.COUNTY_REVIEW)  # checked
    step(application, users["yaodu_industry"], "return", "补充现场照片")
    step(application, users["yaodu_industry"], "submit")
    application.refresh_from_db()
    assert application.county_accepted_at is None and application.inspected_on is None
    assert not any(done for _n, _l, done in application.county_checks())


def test_county_steps_through_the_page(client, users, make_application):
    application = just_filed(make_application)
    url = reverse("subsidies:application-transition", args=[application.pk])
    client.force_login(users["yaodu_industry"])
    assert client.post(url, {"action": "accept", "version": application.version}).status_code == 302
    application.refresh_from_db()
    response = client.post(
        url,
        {
            "action": "county_check",
            "version": application.version,
            "authenticity": "on",
            "completeness": "on",
            "inspected_on": "2026-05-03",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.check_authenticity and application.check_completeness
    assert not application.check_compliance and application.inspected_on == datetime.date(2026, 5, 3)
    page = client.get(reverse("subsidies:application-detail", args=[application.pk])).content.decode()
    assert "✓ 真实性审核" in page and "✗ 合规性审核" in page
    refused = client.post(
        url,
        {
            "action": "recommend",
            "version": application.version,
            "document_no": "尧工信〔2026〕1 号",
            "inspection_opinion": "属实",
        },
    )
    assert refused.status_code == 302  # refused by the guard: the page as it is now, with the reason on top
    shown = client.get(refused.url).content.decode()
    assert "不能推荐上报" in shown and "合规性审核" in shown and "一致性审核" in shown
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW
    client.force_login(users["hongdong_industry"])  # another county: not found
    assert client.post(url, {"action": "accept"}).status_code == 404


def test_county_steps_through_the_api(api, users, make_application):
    application = just_filed(make_application)
    url = f"{APPS}{application.pk}/transitions/"
    clerk = api.as_user(users["yaodu_industry"])
    assert clerk.post(url, {"action": "accept"}, format="json").status_code == 200
    body = {"action": "county_check", **dict.fromkeys(CHECKS, True), "inspected_on": "2026-05-04"}
    assert clerk.post(url, body, format="json").status_code == 200
    data = clerk.get(f"{APPS}{application.pk}/").json()
    assert data["check_consistency"] is True and data["inspected_on"] == "2026-05-04"
    assert (
        api.as_user(users["hongdong_industry"]).post(url, {"action": "accept"}, format="json").status_code
        == 404
    )
    assert (
        api.as_user(users["city_industry"]).post(url, {"action": "accept"}, format="json").status_code == 403
    )


# --- 第八条(三): the committee of the round ---------------------------------------------------------------


def test_a_committee_without_its_discipline_member_cannot_start_scoring(
    users, make_application, make_committee
):
    """第八条(三) 组织驻局纪检组及相关专家组成评审委员会."""
    application = make_application(State.CITY_REVIEW)
    without = make_committee(inspector=False)
    with pytest.raises(TransitionConflict, match="驻局纪检组"):
        step(application, users["city_industry"], "send_to_experts", committee=without.pk)
    complete = make_committee(round=2)
    step(application, users["city_industry"], "send_to_experts", committee=complete.pk)
    application.refresh_from_db()
    assert application.state == State.EXPERT_REVIEW
    assigned = set(application.expert_assignments.values_list("expert__username", flat=True))
    assert assigned == {"expert1", "expert2"}
    row = application.transitions.get()
    assert any(m["discipline_inspector"] for m in row.data["members"])


def test_a_committee_of_another_call_is_refused(users, make_application, make_committee):
    application = make_application(State.CITY_REVIEW)
    other = make_committee(call=CallFactory(year=TODAY.year - 1))
    with pytest.raises(ValidationError):
        step(application, users["city_industry"], "send_to_experts", committee=other.pk)


@pytest.mark.parametrize(
    ("scores", "average"),
    [
        (["85", "80"], "82.50"),
        (["90", "85", "84"], "86.33"),
        (["88.5", "80", "77.25"], "81.92"),
        (["100"], "100.00"),
    ],
)
def test_the_average_of_the_scores(users, make_application, make_committee, make_user, scores, average):
    """第八条(三) 提出评委意见: each member's score and opinion, and their average (Decimal, two places)."""
    from linfen_admin.roles import Role

    names = ["expert1", "expert2"][: len(scores)]
    for n in range(3, len(scores) + 1):
        users[f"expert{n}"] = make_user(f"expert{n}", Role.EXPERT)
        names.append(f"expert{n}")
    application = make_application(State.CITY_REVIEW)
    step(application, users["city_industry"], "send_to_experts", committee=make_committee(experts=names).pk)
    for name, value in zip(names, scores, strict=True):
        services.expert_score_submit(
            application_id=application.pk, expert=users[name], score=value, opinion="同意"
        )
    transition = step(application, users["city_industry"], "conclude_review", "评审委员会同意支持")
    application.refresh_from_db()
    assert application.review_average == D(average) and transition.data["average"] == average
    page_average = selectors.average_score(application.expert_assignments.all())
    assert isinstance(page_average, D) and page_average == D(average)


def test_committee_through_the_page_and_the_api(client, api, users):
    """The city bureau of the call's domain forms the committee; another bureau may not; a county sees none."""
    call = CallFactory()
    client.force_login(users["city_industry"])
    response = client.post(
        reverse("subsidies:call-plan", args=[call.pk]),
        {
            "step": "committee",
            "round": "1",
            "formed_on": "2026-05-10",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "王纪检",
            "members-0-unit": "驻市工信局纪检监察组",
            "members-0-discipline_inspector": "on",
            "members-1-name": "李高工",
            "members-1-unit": "太原理工大学",
            "members-1-expert": str(users["expert1"].pk),
        },
    )
    assert response.status_code == 302
    committee = call.committees.get()
    assert committee.has_discipline_member and committee.members.count() == 2
    page = client.get(reverse("subsidies:call-plan", args=[call.pk])).content.decode()
    assert "驻市工信局纪检监察组" in page
    # the committee section once, in the page's content — not in its <title> or <head>
    assert page.count('id="committees"') == 1
    assert "<section" not in page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert page.index('id="committees"') > page.index("<main")
    body = {
        "call": call.pk,
        "round": 2,
        "formed_on": "2026-05-11",
        "members": [{"name": "赵纪检", "unit": "驻局纪检组", "discipline_inspector": True}],
    }
    assert api.as_user(users["city_energy"]).post(COMMITTEES, body, format="json").status_code == 403
    created = api.as_user(users["city_industry"]).post(COMMITTEES, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["has_discipline_member"] is True
    assert api.as_user(users["yaodu_industry"]).get(COMMITTEES).json()["count"] == 0
    assert api.as_user(users["city_energy"]).get(COMMITTEES).json()["count"] == 0
    assert api.as_user(users["finance"]).get(COMMITTEES).json()["count"] == 2


# --- 第八条(三)(四): the allocation plan ------------------------------------------------------------------


def _plan(users, call, *applications, amounts=None, title="2026 年资金分配计划"):
    lines = [(a.pk, (amounts or {}).get(a.pk, a.planned_wan)) for a in applications]
    return services.allocation_plan_create(actor=users["city_industry"], call=call, title=title, lines=lines)


@pytest.mark.parametrize(
    "case",
    ["over-budget", "not-planned", "other-call", "above-award", "in-another-plan", "within-budget"],
)
def test_plan_lines_are_checked(users, make_application, case):
    """第八条(三) 确定拟支持项目和资金分配计划: only 拟支持 applications of this call, each within its award, each in
    one plan, the total within the call's budget after the awards already approved."""
    call = CallFactory(budget_wan=D("1000.00"))
    make_application(State.APPROVED, call=call, planned_wan=D("300.00"))  # already approved: 700 left
    a = make_application(State.PLANNED, call=call, planned_wan=D("300.00"))
    b = make_application(State.PLANNED, call=call, planned_wan=D("300.00"))
    amounts = {}
    listed = [a, b]
    if case == "over-budget":
        c = make_application(State.PLANNED, call=call, planned_wan=D("200.00"))
        listed.append(c)  # 800 > 700
    elif case == "not-planned":
        listed.append(make_application(State.EXPERT_REVIEW, call=call))
    elif case == "other-call":
        listed.append(make_application(State.PLANNED, call=CallFactory(year=TODAY.year - 1)))
    elif case == "above-award":
        amounts[a.pk] = a.award_wan + 1
    elif case == "in-another-plan":
        _plan(users, call, b, title="另一方案")
    if case == "within-budget":
        plan = _plan(users, call, *listed)
        assert plan.total_wan == D("600.00") and plan.status == AllocationPlan.Status.DRAFT
        return
    with pytest.raises(ValidationError) as excinfo:
        _plan(users, call, *listed, amounts=amounts)
    message = ";".join(excinfo.value.message_dict["lines"])
    expected = {
        "over-budget": "超出预算",
        "not-planned": "只有拟支持",
        "other-call": "不是本申报通知",
        "above-award": "不超过测算奖励",
        "in-another-plan": "已列入资金分配方案",
    }[case]
    assert expected in message


def test_approving_the_plan_moves_every_listed_application(users, make_application):
    """第八条(三) 报市政府审定: one act; each application takes ``approve`` through the transition service (its own
    history row and audit row, the plan's 文号), at the plan's amount."""
    call = CallFactory()
    a = make_application(State.PLANNED, call=call)
    b = make_application(State.PLANNED, call=call)
    plan = _plan(users, call, a, b, amounts={b.pk: D("250.00")})
    with pytest.raises(services.StateConflict):  # not before it is submitted
        services.allocation_plan_approve(
            actor=users["city_industry"],
            plan_id=plan.pk,
            document_no="临政函〔2026〕9 号",
            approved_on=TODAY,
            today=TODAY,
        )
    services.allocation_plan_submit(actor=users["city_industry"], plan_id=plan.pk)
    services.allocation_plan_approve(
        actor=users["city_industry"],
        plan_id=plan.pk,
        document_no="临政函〔2026〕9 号",
        approved_on=TODAY,
        today=TODAY,
    )
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.APPROVED and plan.document_no == "临政函〔2026〕9 号"
    for application, amount in ((a, D("300.00")), (b, D("250.00"))):
        application.refresh_from_db()
        assert application.state == State.APPROVED and application.planned_wan == amount
        row = application.transitions.get()
        assert row.action == "approve" and row.data["document_no"] == "临政函〔2026〕9 号"
        assert row.data["plan"] == plan.title
        assert (
            AuditEvent.objects.for_object(application).filter(action=AuditEvent.Action.TRANSITION).count()
            == 1
        )


def test_a_plan_is_approved_whole_or_not_at_all(users, make_application):
    call = CallFactory()
    a = make_application(State.PLANNED, call=call)
    b = make_application(State.PLANNED, call=call)
    plan = _plan(users, call, a, b)
    services.allocation_plan_submit(actor=users["city_industry"], plan_id=plan.pk)
    step(b, users["city_industry"], "return", "补充材料")  # b leaves 拟支持 meanwhile
    with pytest.raises(ValidationError):
        services.allocation_plan_approve(
            actor=users["city_industry"],
            plan_id=plan.pk,
            document_no="临政函〔2026〕9 号",
            approved_on=TODAY,
            today=TODAY,
        )
    a.refresh_from_db()
    plan.refresh_from_db()
    assert a.state == State.PLANNED and plan.status == AllocationPlan.Status.SUBMITTED
    assert not a.transitions.exists()


def test_approve_outside_a_plan_is_refused(users, make_application):
    application = make_application(State.PLANNED)
    with pytest.raises(TransitionConflict, match="资金分配方案"):
        step(application, users["city_industry"], "approve", document_no="临政函〔2026〕1 号", plan=0)


def test_finance_pays_after_the_plan_is_copied_to_it(users, make_application):
    """第八条(三) 报市政府审定后送市财政局; (四) 市财政根据市政府审定的资金分配计划及时安排资金."""
    call = CallFactory()
    application = make_application(State.PLANNED, call=call)
    plan = _plan(users, call, application)
    services.allocation_plan_submit(actor=users["city_industry"], plan_id=plan.pk)
    services.allocation_plan_approve(
        actor=users["city_industry"],
        plan_id=plan.pk,
        document_no="临政函〔2026〕9 号",
        approved_on=TODAY,
        today=TODAY,
    )
    with pytest.raises(TransitionConflict, match="抄送市财政局"):
        step(application, users["finance"], "disburse", document_no="临财企〔2026〕3 号")
    with pytest.raises(ValidationError):
        services.allocation_plan_copy_to_finance(
            actor=users["city_industry"], plan_id=plan.pk, copied_on=TODAY, recipient=" ", today=TODAY
        )
    services.allocation_plan_copy_to_finance(
        actor=users["city_industry"], plan_id=plan.pk, copied_on=TODAY, recipient="李科长", today=TODAY
    )
    step(application, users["finance"], "disburse", document_no="临财企〔2026〕3 号")
    application.refresh_from_db()
    assert application.state == State.DISBURSED and application.disbursed_wan == D("300.00")


def test_only_the_bureau_of_the_domain_builds_the_plan(users, make_application):
    call = CallFactory()
    application = make_application(State.PLANNED, call=call)
    for role in ("city_energy", "yaodu_industry", "finance"):
        with pytest.raises(PermissionDenied):
            services.allocation_plan_create(
                actor=users[role], call=call, title="x", lines=[(application.pk, 1)]
            )


def test_plan_through_the_page(client, users, make_application):
    call = CallFactory()
    a = make_application(State.PLANNED, call=call)
    b = make_application(State.PLANNED, call=call)
    page_url = reverse("subsidies:call-plan", args=[call.pk])
    client.force_login(users["city_industry"])
    refused = client.post(
        page_url,
        {"step": "plan", "title": "方案一", f"include_{a.pk}": "on", f"amount_{a.pk}": "999999"},
    )
    assert refused.status_code == 400 and "不超过测算奖励" in refused.content.decode()
    assert 'value="方案一"' in refused.content.decode()  # input kept
    created = client.post(
        page_url,
        {
            "step": "plan",
            "title": "方案一",
            f"include_{a.pk}": "on",
            f"amount_{a.pk}": "300",
            f"include_{b.pk}": "on",
            f"amount_{b.pk}": "200",
        },
    )
    assert created.status_code == 302
    plan = AllocationPlan.objects.get(call=call)
    assert client.post(page_url, {"step": "submit", "plan": plan.pk}).status_code == 302
    bad = client.post(page_url, {"step": "approve", "plan": plan.pk, f"approve{plan.pk}-document_no": ""})
    assert bad.status_code == 400
    approved = client.post(
        page_url,
        {
            "step": "approve",
            "plan": plan.pk,
            f"approve{plan.pk}-document_no": "临政函〔2026〕12 号",
            f"approve{plan.pk}-approved_on": TODAY.isoformat(),
        },
    )
    assert approved.status_code == 302
    assert set(Application.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {
        State.APPROVED
    }
    copied = client.post(
        page_url,
        {
            "step": "copy",
            "plan": plan.pk,
            f"copy{plan.pk}-copied_on": TODAY.isoformat(),
            f"copy{plan.pk}-recipient": "李科长",
        },
    )
    assert copied.status_code == 302
    content = client.get(page_url).content.decode()
    assert "已抄送市财政局" in content and "临政函〔2026〕12 号" in content
    # The application page points to the plan for 市政府审定 rather than offering it alone.
    c = make_application(State.PLANNED, call=call)
    detail = client.get(reverse("subsidies:application-detail", args=[c.pk])).content.decode()
    assert 'id="approve-elsewhere"' in detail
    # Scoping: another bureau sees no plan of this call, and cannot act on it.
    client.force_login(users["city_energy"])
    assert "方案一" not in client.get(page_url).content.decode()
    assert client.post(page_url, {"step": "submit", "plan": plan.pk}).status_code == 404
    client.force_login(users["yaodu_industry"])  # a county: no plan shown, no step taken
    assert "方案一" not in client.get(page_url).content.decode()
    assert client.post(page_url, {"step": "submit", "plan": plan.pk}).status_code == 404


def test_plan_through_the_api(api, users, make_application):
    call = CallFactory()
    a = make_application(State.PLANNED, call=call)
    city = api.as_user(users["city_industry"])
    body = {"call": call.pk, "title": "方案一", "lines": [{"application": a.pk, "amount_wan": "250.00"}]}
    created = city.post(PLANS, body, format="json")
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    assert created.json()["total_wan"] == "250.00" and created.json()["status"] == "draft"
    early = {"plan": plan_id, "document_no": "x", "approved_on": "2026-05-20"}
    assert city.post(f"{PLANS}approve/", early, format="json").status_code == 409
    changed = city.post(
        f"{PLANS}lines/",
        {"plan": plan_id, "lines": [{"application": a.pk, "amount_wan": "300.00"}]},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["total_wan"] == "300.00"
    assert city.post(f"{PLANS}submit/", {"plan": plan_id}, format="json").status_code == 200
    assert city.post(f"{PLANS}lines/", {"plan": plan_id, "title": "改"}, format="json").status_code == 409
    approved = city.post(
        f"{PLANS}approve/",
        {
            "plan": plan_id,
            "document_no": "临政函〔2026〕9 号",
            "approved_on": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["lines"][0]["application_state"] == "approved"
    copied = city.post(
        f"{PLANS}finance-copy/",
        {"plan": plan_id, "copied_on": timezone.localdate().isoformat(), "recipient": "李科长"},
        format="json",
    )
    assert copied.status_code == 200 and copied.json()["finance_recipient"] == "李科长"
    a.refresh_from_db()
    assert a.state == State.APPROVED and a.transitions.get().action == "approve"

    def listed(role):
        return [p["id"] for p in api.as_user(users[role]).get(PLANS, {"call": call.pk}).json()["results"]]

    assert listed("finance") == [plan_id] and listed("leader") == [plan_id]
    for role in ("city_energy", "yaodu_industry", "hongdong_industry", "expert1"):
        assert listed(role) == []
    # Another bureau: its steps on this plan find nothing; creating one for this call is refused.
    assert api.as_user(users["city_energy"]).post(
        f"{PLANS}submit/", {"plan": plan_id}, format="json"
    ).status_code in (
        403,
        404,
    )
    assert api.as_user(users["city_energy"]).post(PLANS, body, format="json").status_code == 403
    assert api.as_user(users["yaodu_industry"]).post(PLANS, body, format="json").status_code == 403


# --- 第十一条: completion evaluation for project awards; the 5-year re-evaluation ----------------------------

AWARDS = [
    (Category.MATCHING, {"support_wan": D("1000")}, True),
    (Category.INVESTMENT, {}, True),
    (Category.RECOGNITION, {"scheme": "tech_center", "level": "provincial", "investment_wan": None}, False),
    (Category.CERTIFICATION, {"scheme": "cmmi", "level": "3", "investment_wan": None}, False),
    (Category.REVENUE, {"scheme": "software", "revenue_wan": D("3400"), "investment_wan": None}, False),
]


@pytest.mark.parametrize(("category", "params", "project"), AWARDS, ids=[c for c, _p, _x in AWARDS])
def test_only_project_awards_go_on_to_completion_evaluation(
    users, make_application, category, params, project
):
    """第十一条 对于申报项目类奖励资金的 (第七条(一)(二)): evaluated at completion, re-evaluated; the title,
    certificate and revenue awards close once paid."""
    application = make_application(State.APPROVED, category=category, **params)
    assert application.is_project_award is project
    step(application, users["finance"], "disburse", document_no="临财企〔2026〕3 号")
    application.refresh_from_db()
    assert application.state == (State.DISBURSED if project else State.CLOSED)
    if not project:
        with pytest.raises(TransitionConflict):
            step(
                application,
                users["yaodu_industry"],
                "evaluate",
                completed_on="2026-04-01",
                evaluation_agency="x",
            )
        steps = workflow.steps(application, application.transitions.all())
        assert [s.status for s in steps if s.state in (State.DISBURSED, State.EVALUATED)] == [
            "skipped",
            "skipped",
        ]
        assert steps[-1].status == "current" and steps[-1].state == State.CLOSED


@pytest.mark.parametrize(
    ("indicator", "completed_on", "due"),
    [
        ("economic", "2026-04-01", datetime.date(2031, 4, 1)),  # 完工 5 年后
        ("economic", "2024-02-29", datetime.date(2029, 2, 28)),
        ("technical", "2026-04-01", datetime.date(2026, 4, 1)),  # 在项目完工评价阶段评估
    ],
)
def test_the_reevaluation_date_is_set_at_completion(
    users, make_application, client, indicator, completed_on, due
):
    """第十一条 对以经济指标为主的项目,在项目完工 5 年后由第三方机构进行评估."""
    fields = {"indicator_type": indicator}
    if indicator == "technical":
        fields.update(expected_targets="单位产品能耗下降 15%")
    application = make_application(State.DISBURSED, **fields)
    data = {"completed_on": completed_on, "evaluation_agency": "山西某会计师事务所"}
    if indicator == "technical":
        data["targets_met"] = True
    step(application, users["yaodu_industry"], "evaluate", **data)
    application.refresh_from_db()
    assert application.reevaluation_due_on == due
    client.force_login(users["finance"])
    page = client.get(reverse("subsidies:application-detail", args=[application.pk])).content.decode()
    assert due.isoformat() in page


@pytest.mark.parametrize(
    ("due_in_days", "period"),
    [(45, None), (30, "ahead"), (1, "ahead"), (0, "due"), (-200, "due")],
)
def test_reevaluation_reminder(users, make_application, due_in_days, period):
    """第九条 市财政局……对技术改造项目绩效进行客观再评价: told 30 days ahead and on the date."""
    as_of = datetime.date(2030, 6, 1)
    due = as_of + datetime.timedelta(days=due_in_days)
    application = make_application(State.EVALUATED, reevaluation_due_on=due)
    make_application(State.CLOSED, reevaluation_due_on=due)  # already re-evaluated
    reminders = list(collect_reevaluations_due(as_of))
    if period is None:
        assert reminders == []
        return
    assert [r.obj.pk for r in reminders] == [application.pk]
    assert reminders[0].period == f"{period}:{due.isoformat()}"
    assert {u.username for u in reminders[0].recipients} == {"finance"}


def test_the_reminder_rule_is_registered():
    from linfen_admin.registry import registry

    assert "subsidies.reevaluation_due" in {rule.code for rule in registry.reminder_rules}


# --- 第十条: commitments at application -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"indicator_type": ""}, "预期指标类型"),
        ({"indicator_type": "economic", "expected_new_tax_wan": None}, "预期新增税收"),
        ({"indicator_type": "technical", "expected_targets": ""}, "预期技术指标"),
        ({"return_undertaking": False}, "退还专项资金"),
        ({}, None),
        ({"indicator_type": "technical", "expected_targets": "综合能耗下降 12%"}, None),
    ],
    ids=[
        "no-type",
        "economic-no-tax",
        "technical-no-targets",
        "no-undertaking",
        "economic-ok",
        "technical-ok",
    ],
)
def test_a_project_award_is_submitted_with_its_commitments(users, make_application, fields, missing):
    """第十条 企业(单位)应在申报材料中明确项目预期指标……并承诺项目未达到预期指标退还专项资金."""
    application = make_application(State.DRAFT, **fields)
    if missing is None:
        step(application, users["yaodu_industry"], "submit")
        return
    with pytest.raises(TransitionConflict, match=missing):
        step(application, users["yaodu_industry"], "submit")


def test_other_awards_need_no_commitments(users, make_application):
    application = make_application(
        State.DRAFT,
        category=Category.RECOGNITION,
        scheme="tech_center",
        level="provincial",
        investment_wan=None,
        indicator_type="",
        expected_new_tax_wan=None,
        return_undertaking=False,
    )
    step(application, users["yaodu_industry"], "submit")


def test_commitments_entered_through_the_api_and_shown_at_evaluation(api, client, users, subsidies_seed):
    call = CallFactory()
    from .conftest import linfen_code

    body = {
        "call": call.pk,
        "region": "尧都区",
        "enterprise_name": "临汾承诺制造有限公司",
        "credit_code": linfen_code(901),
        "project_name": "余热回收技术改造",
        "category": "investment",
        "investment_wan": "12000",
        "investment_progress": "90",
        "revenue_wan": "25000",
        "above_scale": True,
        "indicator_type": "technical",
        "expected_targets": "吨钢综合能耗下降 8%",
        "return_undertaking": True,
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
        created = api.as_user(users["yaodu_industry"]).post(APPS, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["expected_targets"] == "吨钢综合能耗下降 8%"
    application = Application.objects.get(pk=created.json()["id"])
    Application.objects.filter(pk=application.pk).update(state=State.DISBURSED, planned_wan=D("300.00"))
    stagetotals.rebuild()  # arranged behind the services, as a bulk load would be
    client.force_login(users["yaodu_industry"])
    page = client.get(reverse("subsidies:application-detail", args=[application.pk])).content.decode()
    start = page.index('id="evaluate-commitments"')
    block = page[start : page.index("</div>", start)]
    assert "技术指标" in block and "吨钢综合能耗下降 8%" in block and "已承诺" in block
    client.force_login(users["hongdong_industry"])
    assert client.get(reverse("subsidies:application-detail", args=[application.pk])).status_code == 404


def test_the_form_shows_commitments_for_project_awards(client, users, subsidies_seed):
    client.force_login(users["yaodu_industry"])
    content = client.get(reverse("subsidies:application-create")).content.decode()
    start = content.index("预期指标与承诺(第十条)")
    fieldset = content[content.rindex("<fieldset", 0, start) : start]
    assert 'data-show-when="category=matching,investment"' in fieldset
    assert 'data-show-when="indicator_type=economic"' in content
    assert 'data-show-when="indicator_type=technical"' in content


# --- Existing rows ---------------------------------------------------------------------------------------


def test_existing_rows_migrate(make_application, score, users):
    """0004: recommended files count as checked; a paid title award is closed (第十一条) with a history row; the
    re-evaluation date and the experts' average are filled in."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("subsidies.migrations.0005_migrate_existing_steps")
    paid_title = make_application(
        State.DISBURSED,
        category=Category.RECOGNITION,
        scheme="tech_center",
        level="provincial",
        investment_wan=None,
    )
    paid_project = make_application(State.DISBURSED)
    evaluated = make_application(State.EVALUATED, reevaluation_due_on=None)
    reviewed = make_application(State.PLANNED)
    score(reviewed, users["expert1"], "80")
    score(reviewed, users["expert2"], "85")
    Application.objects.filter(pk__in=[paid_title.pk, paid_project.pk, evaluated.pk, reviewed.pk]).update(
        county_accepted_at=None,
        check_authenticity=False,
        check_completeness=False,
        check_compliance=False,
        check_consistency=False,
    )
    migration.forward(apps, None)
    stagetotals.rebuild()  # as migration 0007 then fills the kept totals from the migrated rows
    paid_title.refresh_from_db()
    paid_project.refresh_from_db()
    evaluated.refresh_from_db()
    reviewed.refresh_from_db()
    assert paid_title.state == State.CLOSED
    assert ApplicationTransition.objects.get(application=paid_title).to_state == State.CLOSED
    assert paid_project.state == State.DISBURSED
    assert evaluated.reevaluation_due_on == datetime.date(TODAY.year - 1, 3, 1)
    assert reviewed.review_average == D("82.50")
    assert all(done for _n, _l, done in reviewed.county_checks()) and reviewed.county_accepted_at is not None
