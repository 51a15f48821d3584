"""Pages: list with filters, detail with timeline and the user's actions, dashboard, plan, quote; query counts."""

import re

import pytest
from django.urls import reverse

from subsidies.models import State

from .conftest import CallFactory


@pytest.fixture
def many(make_application, users, score):
    from linfen_admin.models import Region

    energy = CallFactory(domain="energy")
    hongdong = Region.objects.get(name="洪洞县")
    apps = []
    for index, state in enumerate(
        [
            State.DRAFT,
            State.COUNTY_REVIEW,
            State.CITY_REVIEW,
            State.EXPERT_REVIEW,
            State.PLANNED,
            State.APPROVED,
            State.DISBURSED,
            State.CLOSED,
        ]
        * 2
    ):
        extra = {}
        if index % 3 == 0:
            extra["call"] = energy
        if index % 4 == 0:
            extra["region"] = hongdong
        apps.append(make_application(state, **extra))
    return apps


def test_list_query_count_and_filters(client, users, many, django_assert_max_num_queries):
    client.force_login(users["leader"])
    with django_assert_max_num_queries(10):  # independent of the number of rows (16 here); keys, then rows
        response = client.get(reverse("subsidies:application-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == len(many)
    response = client.get(reverse("subsidies:application-list"), {"state": "planned", "region": "洪洞县"})
    assert all(a.state == "planned" and a.region.name == "洪洞县" for a in response.context["page"])


def test_list_is_scoped(client, users, many):
    client.force_login(users["hongdong_industry"])
    response = client.get(reverse("subsidies:application-list"))
    assert {a.region.name for a in response.context["page"]} == {"洪洞县"}
    client.force_login(users["yaodu_land"])
    assert client.get(reverse("subsidies:application-list")).status_code == 403


def test_dashboard_query_count(client, users, many, django_assert_max_num_queries):
    client.force_login(users["leader"])
    # session, user, groups, menu, unread + 4 aggregates + calls + the awards-by-category chart
    with django_assert_max_num_queries(11):
        response = client.get(reverse("subsidies:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["total"] == len(many)
    assert {s["state"]: s["count"] for s in summary["stages"]}["planned"] == 2
    assert len(summary["calls"]) == 2
    content = response.content.decode()
    assert "拟支持" in content and "洪洞县" in content


def test_detail_shows_timeline_and_only_current_actions(client, users, make_application):
    from subsidies.services import application_transition

    application = make_application(State.COUNTY_REVIEW)
    application_transition(
        application_id=application.pk,
        actor=users["yaodu_industry"],
        action="recommend",
        data={"document_no": "尧工信〔2026〕5 号", "inspection_opinion": "属实"},
    )
    url = reverse("subsidies:application-detail", args=[application.pk])
    client.force_login(users["city_industry"])
    page = client.get(url)
    labels = [item["row"].action for item in page.context["actions"]]
    assert labels == ["send_to_experts", "return", "reject"]
    assert "尧工信〔2026〕5 号" in page.content.decode()
    client.force_login(users["yaodu_industry"])
    assert client.get(url).context["actions"] == []
    client.force_login(users["hongdong_industry"])
    assert client.get(url).status_code == 404


def test_detail_form_posts_to_the_service(client, users, make_application, make_committee):
    application = make_application(State.CITY_REVIEW)
    committee = make_committee()
    client.force_login(users["city_industry"])
    response = client.post(
        reverse("subsidies:application-transition", args=[application.pk]),
        {"action": "send_to_experts", "version": application.version, "committee": committee.pk},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.EXPERT_REVIEW
    response = client.post(
        reverse("subsidies:application-transition", args=[application.pk]),
        {"action": "return", "version": application.version, "comment": ""},
        follow=True,
    )
    assert "理由" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.EXPERT_REVIEW
    client.force_login(users["finance"])
    assert (
        client.post(
            reverse("subsidies:application-transition", args=[application.pk]),
            {"action": "return", "comment": "x"},
        ).status_code
        == 403
    )


def test_plan_page_shows_remaining_budget(client, users, make_application):
    from decimal import Decimal as D

    call = CallFactory(budget_wan=D("1000.00"))
    make_application(State.PLANNED, call=call, planned_wan=D("300.00"))
    make_application(State.EXPERT_REVIEW, call=call, award_wan=D("750.00"))
    client.force_login(users["city_industry"])
    response = client.get(reverse("subsidies:call-plan", args=[call.pk]))
    assert response.context["remaining_wan"] == D("700.00")
    assert "超出剩余预算" in response.content.decode()


def test_award_quote_page(client, users, subsidies_seed):
    client.force_login(users["yaodu_industry"])
    response = client.post(
        reverse("subsidies:award-quote"), {"category": "investment", "investment_wan": "150000"}
    )
    assert response.status_code == 200
    assert response.context["quote"].award_wan == 1000
    response = client.post(reverse("subsidies:award-quote"), {"category": "matching"})
    assert response.context["quote"] is None and response.context["form"].errors


def test_create_page(client, users, subsidies_seed):
    import time_machine

    from subsidies.models import Application

    from .conftest import linfen_code

    call = CallFactory()
    client.force_login(users["yaodu_industry"])
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = client.post(
            reverse("subsidies:application-create"),
            {
                "call": call.pk,
                "region": users["yaodu_industry"].region_id,
                "enterprise_name": "临汾化工",
                "credit_code": linfen_code(77),
                "project_name": "节能改造",
                "category": "matching",
                "support_wan": "500",
                "investment_progress": "90",
                "revenue_wan": "9000",
                "above_scale": "on",
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.award_wan == 150 and application.state == State.DRAFT


def test_a_refused_action_comes_back_with_its_error_beside_the_field(client, users, make_application):
    application = make_application(State.CITY_REVIEW)
    client.force_login(users["city_industry"])
    url = reverse("subsidies:application-transition", args=[application.pk])
    response = client.post(url, {"action": "return", "version": application.version, "comment": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html
    tag = re.search(r'<textarea[^>]*id="id_return_comment"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag and 'aria-describedby="id_return_comment_error"' in tag
    assert 'id="id_return_comment_error"' in html
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_a_refused_score_keeps_the_opinion_typed(client, users, make_application):
    from subsidies.models import ExpertAssignment

    application = make_application(State.EXPERT_REVIEW)
    ExpertAssignment.objects.create(
        application=application, expert=users["expert1"], round=application.review_round
    )
    client.force_login(users["expert1"])
    url = reverse("subsidies:expert-score", args=[application.pk])
    response = client.post(url, {"score": "150", "opinion": "技术路线清楚,建议支持"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "技术路线清楚,建议支持" in html and 'id="id_score_error"' in html
    assert ExpertAssignment.objects.get(application=application).score is None
