"""The transition service: history and audit rows, guards, budget, clawback, notifications, stale reads."""

import datetime
import threading
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from linfen_admin.models import AuditEvent, Notification, Region
from subsidies import services
from subsidies.models import Application, Category, State
from subsidies.services import TransitionConflict, application_transition

from .conftest import TODAY, CallFactory, check_at_county, linfen_code


def step(application, user, action, comment="", **data):
    return application_transition(
        application_id=application.pk, actor=user, action=action, comment=comment, data=data
    )


def test_recommend_writes_history_audit_and_fields(users, make_application):
    application = make_application(State.COUNTY_REVIEW)
    transition = step(
        application,
        users["yaodu_industry"],
        "recommend",
        "同意推荐",
        document_no="尧工信发〔2026〕9 号",
        inspection_opinion="现场核查属实",
    )
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW and application.version == 2
    assert application.county_document_no == "尧工信发〔2026〕9 号"
    assert application.inspection_opinion == "现场核查属实"
    assert (transition.from_state, transition.to_state, transition.actor) == (
        State.COUNTY_REVIEW,
        State.CITY_REVIEW,
        users["yaodu_industry"],
    )
    assert transition.data["document_no"] == "尧工信发〔2026〕9 号"
    event = AuditEvent.objects.for_object(application).get(action=AuditEvent.Action.TRANSITION)
    assert event.changes["state"] == [State.COUNTY_REVIEW, State.CITY_REVIEW]
    assert "推荐上报" in event.comment


def test_recommend_requires_document_no_and_inspection_opinion(users, make_application):
    application = make_application(State.COUNTY_REVIEW)
    with pytest.raises(ValidationError) as excinfo:
        step(application, users["yaodu_industry"], "recommend")
    assert set(excinfo.value.message_dict) == {"document_no", "inspection_opinion"}


@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_and_reject_need_a_reason(users, make_application, action):
    application = make_application(State.CITY_REVIEW)
    with pytest.raises(ValidationError) as excinfo:
        step(application, users["city_industry"], action, "   ")
    assert "理由" in excinfo.value.message_dict["comment"][0]
    step(application, users["city_industry"], action, "投资进度证明缺失")
    application.refresh_from_db()
    assert application.state == (State.RETURNED if action == "return" else State.REJECTED)


def test_returned_application_is_resubmitted(users, make_application):
    application = make_application(State.RETURNED)
    step(application, users["yaodu_industry"], "submit")
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


def test_recommend_refuses_an_ineligible_application_with_reasons(users, make_application):
    application = make_application(
        State.DRAFT, investment_progress=D("60"), above_scale=False, revenue_wan=D("1000")
    )
    step(application, users["yaodu_industry"], "submit")  # the county reviews it, flags and all
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW and not application.eligible
    check_at_county(application, users["yaodu_industry"])
    with pytest.raises(TransitionConflict) as excinfo:
        step(application, users["yaodu_industry"], "recommend", document_no="1", inspection_opinion="核查")
    assert "80" in str(excinfo.value) and "1800" in str(excinfo.value)
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


def test_second_application_for_the_same_project_is_refused(users, make_application):
    first = make_application(State.CITY_REVIEW)
    twin = make_application(
        State.COUNTY_REVIEW, credit_code=first.credit_code, project_name=first.project_name
    )
    with pytest.raises(TransitionConflict, match="第七条"):
        step(twin, users["yaodu_industry"], "recommend", document_no="1", inspection_opinion="核查")


def test_same_project_under_another_category_is_a_duplicate(users, make_application):
    first = make_application(State.CITY_REVIEW, category=Category.MATCHING, support_wan=D("500"))
    twin = make_application(
        State.COUNTY_REVIEW, credit_code=first.credit_code, project_name=first.project_name
    )
    with pytest.raises(TransitionConflict, match="第七条"):
        step(twin, users["yaodu_industry"], "recommend", document_no="1", inspection_opinion="核查")
    other_project = make_application(
        State.COUNTY_REVIEW, credit_code=first.credit_code, project_name="另一项目"
    )
    step(other_project, users["yaodu_industry"], "recommend", document_no="2", inspection_opinion="核查")


def test_same_title_twice_is_a_duplicate_but_an_upgrade_is_not(users, make_application):
    kwargs = dict(
        category=Category.RECOGNITION, scheme="tech_center", investment_wan=None, investment_progress=None
    )
    first = make_application(State.CLOSED, level="provincial", **kwargs)
    again = make_application(
        State.COUNTY_REVIEW,
        credit_code=first.credit_code,
        level="provincial",
        project_name="省级企业技术中心",
        **kwargs,
    )
    with pytest.raises(TransitionConflict, match="第七条"):
        step(again, users["yaodu_industry"], "recommend", document_no="1", inspection_opinion="核查")
    upgrade = make_application(
        State.COUNTY_REVIEW,
        credit_code=first.credit_code,
        level="national",
        previous_level="provincial",
        project_name="国家级企业技术中心",
        **kwargs,
    )
    step(upgrade, users["yaodu_industry"], "recommend", document_no="2", inspection_opinion="核查")
    upgrade.refresh_from_db()
    assert upgrade.award_wan == D("50.00")


def test_conclude_review_needs_every_expert_score(users, make_application, make_committee):
    application = make_application(State.CITY_REVIEW)
    step(application, users["city_industry"], "send_to_experts", committee=make_committee().pk)
    application.refresh_from_db()
    services.expert_score_submit(
        application_id=application.pk, expert=users["expert1"], score="88", opinion="技术方案可行"
    )
    with pytest.raises(TransitionConflict, match="尚未评分"):
        step(application, users["city_industry"], "conclude_review", "同意")
    services.expert_score_submit(
        application_id=application.pk, expert=users["expert2"], score="80", opinion="同意"
    )
    transition = step(application, users["city_industry"], "conclude_review", "评审委员会同意支持")
    application.refresh_from_db()
    assert application.state == State.PLANNED and application.planned_wan == application.award_wan
    assert [s["score"] for s in transition.data["scores"]] == ["88.00", "80.00"]
    assert transition.data["average"] == "84.00" and application.review_average == D("84.00")


def test_only_assigned_experts_score(users, make_application, make_committee):
    application = make_application(State.CITY_REVIEW)
    step(
        application,
        users["city_industry"],
        "send_to_experts",
        committee=make_committee(experts=("expert1",)).pk,
    )
    with pytest.raises(PermissionDenied):
        services.expert_score_submit(
            application_id=application.pk, expert=users["expert2"], score="90", opinion="x"
        )
    other = make_application(State.CITY_REVIEW)
    with pytest.raises(ValidationError):  # not a committee of the call
        step(other, users["city_industry"], "send_to_experts", committee=0)


# --- Budget -----------------------------------------------------------------------------------------------


def test_planned_awards_never_exceed_the_budget(users, make_application, score):
    call = CallFactory(budget_wan=D("800.00"))
    make_application(State.PLANNED, call=call, planned_wan=D("300.00"))
    make_application(State.DISBURSED, call=call, planned_wan=D("300.00"), disbursed_wan=D("300.00"))
    make_application(State.REJECTED, call=call, planned_wan=None)  # does not count
    fits = make_application(State.EXPERT_REVIEW, call=call, award_wan=D("200.00"))
    too_big = make_application(State.EXPERT_REVIEW, call=call, award_wan=D("300.00"))
    score(fits, users["expert1"])
    score(too_big, users["expert1"])
    step(fits, users["city_industry"], "conclude_review", "同意")  # 600 + 200 = 800: exactly the budget
    with pytest.raises(TransitionConflict) as excinfo:
        step(too_big, users["city_industry"], "conclude_review", "同意")
    assert "剩余 0.00 万元" in str(excinfo.value)
    too_big.refresh_from_db()
    assert too_big.state == State.EXPERT_REVIEW and too_big.planned_wan is None


def test_a_smaller_planned_amount_fits_and_returning_a_plan_frees_budget(users, make_application, score):
    call = CallFactory(budget_wan=D("500.00"))
    first = make_application(State.PLANNED, call=call, planned_wan=D("300.00"))
    second = make_application(State.EXPERT_REVIEW, call=call, award_wan=D("300.00"))
    score(second, users["expert1"])
    with pytest.raises(TransitionConflict):
        step(second, users["city_industry"], "conclude_review", "同意")
    with pytest.raises(ValidationError):
        step(second, users["city_industry"], "conclude_review", "同意", planned_wan="301")
    step(second, users["city_industry"], "conclude_review", "同意,按 200 万元安排", planned_wan="200")
    second.refresh_from_db()
    assert second.planned_wan == D("200.00")
    step(first, users["city_industry"], "return", "市政府审定意见:补充材料")
    first.refresh_from_db()
    assert first.state == State.RETURNED and first.planned_wan is None


# --- Evaluation and clawback ------------------------------------------------------------------------------


def test_economic_project_reevaluated_after_five_years_recovers_the_shortfall(users, make_application):
    application = make_application(State.DISBURSED)
    step(
        application,
        users["yaodu_industry"],
        "evaluate",
        "第三方评价合格",
        indicator_type="economic",
        completed_on="2026-03-01",
        evaluation_agency="山西某评估公司",
    )
    application.refresh_from_db()
    with pytest.raises(TransitionConflict, match="5 年"):
        application_transition(
            application_id=application.pk,
            actor=users["finance"],
            action="reevaluate",
            data={"cumulative_new_tax_wan": "100"},
            today=datetime.date(2031, 2, 28),
        )
    application_transition(
        application_id=application.pk,
        actor=users["finance"],
        action="reevaluate",
        data={"cumulative_new_tax_wan": "120.50"},
        today=datetime.date(2031, 3, 1),
    )
    application.refresh_from_db()
    assert application.state == State.RECOVERY and application.recovery_wan == D("179.50")
    with pytest.raises(ValidationError, match="179.50"):
        step(application, users["finance"], "recover", recovered_wan="100", document_no="临财收 1 号")
    step(application, users["finance"], "recover", recovered_wan="179.50", document_no="临财收 1 号")
    application.refresh_from_db()
    assert application.state == State.CLOSED and application.recovered_wan == D("179.50")


def test_economic_project_with_enough_new_tax_closes(users, make_application):
    application = make_application(State.EVALUATED)
    step(application, users["finance"], "reevaluate", cumulative_new_tax_wan="300")
    application.refresh_from_db()
    assert application.state == State.CLOSED and application.recovery_wan == D("0.00")


@pytest.mark.parametrize(
    ("met", "state", "recovery"), [(True, State.CLOSED, "0.00"), (False, State.RECOVERY, "300.00")]
)
def test_technical_project_missing_targets_returns_the_award(users, make_application, met, state, recovery):
    application = make_application(
        State.DISBURSED, indicator_type="technical", expected_targets="能耗下降 15%"
    )
    with pytest.raises(ValidationError):
        step(
            application,
            users["yaodu_industry"],
            "evaluate",
            indicator_type="technical",
            completed_on="2026-04-01",
            evaluation_agency="第三方",
        )
    step(
        application,
        users["yaodu_industry"],
        "evaluate",
        indicator_type="technical",
        completed_on="2026-04-01",
        evaluation_agency="第三方",
        targets_met=met,
    )
    step(application, users["finance"], "reevaluate")  # technical: due at completion
    application.refresh_from_db()
    assert application.state == state and application.recovery_wan == D(recovery)


# --- Concurrency ------------------------------------------------------------------------------------------


def test_a_stale_expected_version_is_refused(users, make_application):
    application = make_application(State.COUNTY_REVIEW)
    with pytest.raises(TransitionConflict):
        application_transition(
            application_id=application.pk,
            actor=users["yaodu_industry"],
            action="return",
            comment="x",
            expected_version=application.version + 1,
        )


def test_state_and_version_check_catches_a_step_taken_on_a_stale_read(users, make_application, monkeypatch):
    """Where row locks are unavailable, the conditional UPDATE still refuses the second of two racing steps."""
    from subsidies.services import transitions

    application = make_application(State.COUNTY_REVIEW)
    stale = Application.objects.select_related("call", "region").get(pk=application.pk)
    step(application, users["yaodu_industry"], "reject", "不符合条件")  # another clerk wins the race
    monkeypatch.setattr(transitions, "_lock", lambda pk: stale)  # our read happened before it
    with pytest.raises(TransitionConflict, match="已被他人处理"):
        step(application, users["yaodu_industry"], "recommend", document_no="1", inspection_opinion="ok")
    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert application.transitions.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_cannot_both_succeed(make_user, subsidies_seed):
    from django.db import connection

    from linfen_admin.roles import Role

    from .conftest import ApplicationFactory

    clerk_a = make_user("clerk_a", Role.COUNTY_INDUSTRY, region="尧都区")
    clerk_b = make_user("clerk_b", Role.COUNTY_INDUSTRY, region="尧都区")
    application = ApplicationFactory(state=State.COUNTY_REVIEW)
    barrier = threading.Barrier(2)
    outcomes = []

    def run(user, action, data):
        try:
            barrier.wait(timeout=10)
            application_transition(
                application_id=application.pk, actor=user, action=action, comment="并发", data=data
            )
            outcomes.append("ok")
        except TransitionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run, args=(clerk_a, "recommend", {"document_no": "1", "inspection_opinion": "ok"})
        ),
        threading.Thread(target=run, args=(clerk_b, "return", {})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    application.refresh_from_db()
    assert application.transitions.count() == 1
    assert application.version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_plans_cannot_overrun_the_budget(make_user, subsidies_seed):
    """Each award fits the budget alone, not both together: the call-row lock lets only one through."""
    from django.db import connection

    from linfen_admin.roles import Role

    from .conftest import ApplicationFactory

    city = make_user("city_clerk", Role.CITY_INDUSTRY, department="city-industry")
    expert = make_user("panel_expert", Role.EXPERT)
    call = CallFactory(budget_wan=D("500.00"))
    applications = [
        ApplicationFactory(state=State.EXPERT_REVIEW, review_round=1, call=call, award_wan=D("300.00"))
        for _ in range(2)
    ]
    for application in applications:
        application.expert_assignments.create(expert=expert, round=1, score=D("80"), opinion="同意")
    barrier = threading.Barrier(2)
    outcomes = []

    def run(application):
        try:
            barrier.wait(timeout=10)
            application_transition(
                application_id=application.pk, actor=city, action="conclude_review", comment="同意"
            )
            outcomes.append("ok")
        except TransitionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Application.objects.filter(call=call, state=State.PLANNED).count() == 1


# --- Create, edit, notifications --------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 5, 20, 9, 0), tick=False)
def test_create_computes_award_and_edit_recomputes(users, subsidies_seed):
    call = CallFactory()
    application = services.application_create(
        actor=users["yaodu_industry"],
        call=call,
        region=Region.objects.get(name="尧都区"),
        enterprise_name="临汾焦化有限公司",
        credit_code=linfen_code(501),
        project_name="干熄焦改造",
        category=Category.INVESTMENT,
        investment_wan=D("52000"),
        investment_progress=D("85"),
        revenue_wan=D("90000"),
        above_scale=True,
    )
    assert application.award_wan == D("750.00") and application.eligible
    assert application.award_explanation["tier"] == "5 亿元(含)—10 亿元"
    updated = services.application_update(
        actor=users["yaodu_industry"], application_id=application.pk, investment_wan=D("9000")
    )
    assert updated.award_wan == D("200.00")
    assert AuditEvent.objects.for_object(application).count() == 2


@time_machine.travel(datetime.datetime(2026, 5, 20, 9, 0), tick=False)
def test_only_county_staff_of_the_region_create(users, subsidies_seed):
    call = CallFactory()
    kwargs = dict(
        call=call,
        region=Region.objects.get(name="尧都区"),
        enterprise_name="甲",
        project_name="乙",
        credit_code=linfen_code(7),
        category=Category.INVESTMENT,
        investment_wan=D("3000"),
    )
    for user in ("hongdong_industry", "city_industry", "leader"):
        with pytest.raises(PermissionDenied):
            services.application_create(actor=users[user], **kwargs)


def test_create_outside_the_call_window_is_refused(users, subsidies_seed):
    call = CallFactory()
    with pytest.raises(ValidationError, match="申报期"):
        services.application_create(
            actor=users["yaodu_industry"],
            call=call,
            region=users["yaodu_industry"].region,
            enterprise_name="甲",
            project_name="乙",
            credit_code=linfen_code(8),
            category=Category.INVESTMENT,
            investment_wan=D("3000"),
            today=TODAY.replace(month=1, day=5),
        )


def test_edit_after_submit_is_a_conflict(users, make_application):
    application = make_application(State.COUNTY_REVIEW)
    with pytest.raises(services.StateConflict):
        services.application_update(
            actor=users["yaodu_industry"], application_id=application.pk, project_name="改名"
        )


def test_next_actors_are_notified_on_commit(users, make_application, django_capture_on_commit_callbacks):
    application = make_application(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        step(application, users["yaodu_industry"], "recommend", document_no="1", inspection_opinion="属实")
    recipients = set(
        Notification.objects.filter(object_id=str(application.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"city_industry"}
