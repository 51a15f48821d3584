"""Where an application stands: the stepper follows the workflow table, marks the steps done (when, by whom)
from the history, the current one with the next action and who takes it, and the steps to come."""

import re

from django.urls import reverse
from django.utils import timezone

from subsidies import workflow
from subsidies.models import ApplicationTransition, State
from subsidies.services import application_transition

from .conftest import CallFactory


def _stepper(client, application):
    content = client.get(reverse("subsidies:application-detail", args=[application.pk])).content.decode()
    start = content.index('<ol class="stepper">')
    return content[start : content.index("</section>", start)]


def _items(html):
    return re.findall(
        r'<li class="(\w+)"( aria-current="step")?><span class="step-name">([^<]+)</span>', html
    )


def test_the_line_is_the_tables_forward_rows():
    assert workflow.main_line() == [
        State.DRAFT,
        State.COUNTY_REVIEW,
        State.CITY_REVIEW,
        State.EXPERT_REVIEW,
        State.PLANNED,
        State.APPROVED,
        State.DISBURSED,
        State.EVALUATED,
        State.CLOSED,
    ]


def test_a_draft_waits_for_its_county(client, users, make_application):
    application = make_application(State.DRAFT)
    client.force_login(users["yaodu_industry"])
    html = _stepper(client, application)
    items = _items(html)
    assert len(items) == 9
    assert items[0] == ("current", ' aria-current="step"', "草稿")
    assert all(status == "todo" and not current for status, current, _label in items[1:])
    assert html.count('aria-current="step"') == 1
    assert "下一步" in html and "由尧都区县级工信(能源)主管部门提交" in html
    assert "由市财政局办理" in html  # 已审定 → 拨付


def test_after_the_county_recommends_the_city_bureau_of_the_domain_acts(client, users, make_application):
    application = make_application(State.COUNTY_REVIEW, call=CallFactory(domain="energy"))
    application_transition(
        application_id=application.pk,
        actor=users["yaodu_industry"],
        action="recommend",
        data={"document_no": "尧工信〔2026〕5 号", "inspection_opinion": "属实"},
    )
    client.force_login(users["city_energy"])
    html = _stepper(client, application)
    items = _items(html)
    assert [status for status, _c, _l in items[:4]] == ["done", "done", "current", "todo"]
    assert items[2][1] and items[2][2] == "市级受理"
    recommend = ApplicationTransition.objects.get(application=application)
    assert f"推荐上报 · {recommend.actor_name} · {timezone.localtime(recommend.at):%Y-%m-%d}" in html
    assert "由市能源局提交专家评审" in html
    assert "也可" in html and "退回补正、不予支持" in html
    steps = workflow.steps(application.__class__.objects.get(pk=application.pk), [recommend])
    assert steps[3].note == "评审专家评分后" and steps[3].who == "市能源局"


def test_a_returned_application_stands_at_the_first_step_again(client, users, make_application):
    application = make_application(State.RETURNED)
    ApplicationTransition.objects.create(
        application=application,
        action="return",
        from_state=State.CITY_REVIEW,
        to_state=State.RETURNED,
        actor=users["city_industry"],
        actor_name="市工信局 王",
        comment="补充材料",
    )
    client.force_login(users["yaodu_industry"])
    items = _items(_stepper(client, application))
    assert items[0] == ("current", ' aria-current="step"', "退回补正")
    assert all(status == "todo" for status, _c, _l in items[1:])


def test_a_rejected_application_ends_where_it_was_rejected(client, users, make_application):
    application = make_application(State.REJECTED)
    ApplicationTransition.objects.create(
        application=application,
        action="reject",
        from_state=State.CITY_REVIEW,
        to_state=State.REJECTED,
        actor=users["city_industry"],
        actor_name="市工信局 王",
        comment="不符合产业政策",
    )
    client.force_login(users["leader"])
    html = _stepper(client, application)
    items = _items(html)
    assert [status for status, _c, _l in items] == ["done", "done", "ended"]
    assert items[2] == ("ended", ' aria-current="step"', "不予支持")
    assert "市工信局 王" in html and "不符合产业政策" in html and "下一步" not in html


def test_recovery_appears_only_when_taken_and_closed_is_the_end(client, users, make_application):
    recovering = make_application(State.RECOVERY)
    client.force_login(users["finance"])
    html = _stepper(client, recovering)
    items = _items(html)
    assert [label for _s, _c, label in items][-3:] == ["已完工评价", "待收回资金", "已办结"]
    assert items[-2][0] == "current" and "由市财政局收回资金" in html
    closed = make_application(State.CLOSED)
    items = _items(_stepper(client, closed))
    assert "待收回资金" not in [label for _s, _c, label in items]
    assert items[-1] == ("current", ' aria-current="step"', "已办结")
    assert "流程已办结" in _stepper(client, closed)


def test_each_action_form_has_ids_of_its_own(client, users, make_application):
    application = make_application(State.CITY_REVIEW)
    client.force_login(users["city_industry"])
    content = client.get(reverse("subsidies:application-detail", args=[application.pk])).content.decode()
    ids = re.findall(r' id="([^"]+)"', content)
    assert len(ids) == len(set(ids))
    assert 'for="id_return_comment"' in content and 'for="id_reject_comment"' in content


def test_county_review_lists_its_inner_steps_in_order(client, users, make_application):
    """第八条(二) 县级受理, then 第十条 审核与现场核查, inside 县级审核; the next step offered is the one not yet done."""
    application = make_application(State.COUNTY_REVIEW, submitted=True, county_checked=False)
    assert [t.action for t in workflow.inner_steps(State.COUNTY_REVIEW)] == ["accept", "county_check"]
    client.force_login(users["yaodu_industry"])
    html = _stepper(client, application)
    assert '<li class="todo">县级受理</li>' in html
    assert "由尧都区县级工信(能源)主管部门县级受理" in html
    application_transition(application_id=application.pk, actor=users["yaodu_industry"], action="accept")
    html = _stepper(client, application)
    assert '<li class="done">县级受理 · ' in html
    assert "由尧都区县级工信(能源)主管部门县级受理" not in html
    assert "由尧都区县级工信(能源)主管部门审核与现场核查" in html
    items = _items(html)
    assert [label for status, _c, label in items if status == "current"] == ["县级审核"]


def test_a_paid_title_award_skips_completion_evaluation(client, users, make_application):
    """第十一条: a title award is closed once paid; the stepper shows 已拨付 and 已完工评价 as not applying."""
    application = make_application(
        State.APPROVED, category="recognition", scheme="tech_center", level="provincial", investment_wan=None
    )
    application_transition(
        application_id=application.pk,
        actor=users["finance"],
        action="disburse",
        data={"document_no": "临财企 1 号"},
    )
    client.force_login(users["finance"])
    items = _items(_stepper(client, application))
    statuses = {label: status for status, _c, label in items}
    assert statuses["已拨付"] == statuses["已完工评价"] == "skipped"
    assert statuses["已办结"] == "current"
