"""API per DESIGN.md: award-quote, calls, applications (create/patch/scope), history, documents."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine

from subsidies import stagetotals
from subsidies.models import Application, ExpertAssignment, State

from .conftest import CallFactory, linfen_code

QUOTE = "/api/v1/subsidies/award-quote/"
APPS = "/api/v1/subsidies/applications/"


@pytest.mark.parametrize(
    ("body", "eligible", "award", "rule"),
    [
        ({"category": "matching", "support_wan": "4000"}, True, "1000.00", "matching"),
        ({"category": "matching", "support_wan": "200"}, True, "60.00", "matching"),
        (
            {"category": "investment", "investment_wan": "30000", "little_giant": False},
            True,
            "500.00",
            "investment",
        ),
        (
            {"category": "investment", "investment_wan": "1500", "little_giant": True},
            True,
            "100.00",
            "investment",
        ),
        ({"category": "investment", "investment_wan": "1500"}, False, "0.00", "investment"),
        (
            {"category": "recognition", "kind": "tech_center", "level": "provincial"},
            True,
            "20.00",
            "recognition.tech_center",
        ),
        (
            {"category": "recognition", "kind": "innovation_center", "level": "municipal"},
            False,
            "0.00",
            "recognition.innovation_center",
        ),
        (
            {"category": "certification", "scheme": "it_integration", "level": "AAA", "previous_level": "A"},
            True,
            "30.00",
            "certification.it_integration",
        ),
        ({"category": "certification", "scheme": "itss", "level": "1"}, True, "20.00", "certification.itss"),
        (
            {
                "category": "revenue",
                "scheme": "main_business",
                "revenue_wan": "1000000.01",
                "previous_revenue_wan": "500000.01",
            },
            True,
            "200.00",
            "revenue.main_business",
        ),
        (
            {"category": "revenue", "scheme": "software", "revenue_wan": "1999"},
            False,
            "0.00",
            "revenue.software",
        ),
    ],
)
def test_award_quote(api, users, subsidies_seed, body, eligible, award, rule):
    response = api.as_user(users["yaodu_industry"]).post(QUOTE, body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["eligible"], data["award_wan"], data["rule"]) == (eligible, award, rule)
    assert isinstance(data["reasons"], list)
    assert bool(data["reasons"]) is (not eligible)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"category": "lottery"},
        {"category": "matching"},
        {"category": "investment", "investment_wan": "abc"},
        {"category": "investment", "investment_wan": "-1"},
        {"category": "recognition", "kind": "tech_center"},
        {"category": "recognition", "kind": "rocket", "level": "national"},
        {"category": "certification", "scheme": "cmmi", "level": "Z"},
        {"category": "revenue", "scheme": "software"},
    ],
)
def test_malformed_quote_is_400(api, users, subsidies_seed, body):
    response = api.as_user(users["yaodu_industry"]).post(QUOTE, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_quote_needs_a_subsidies_role(api, users, subsidies_seed):
    assert (
        api.as_user(users["yaodu_land"])
        .post(QUOTE, {"category": "matching", "support_wan": "1"}, format="json")
        .status_code
        == 403
    )


def test_calls_list(api, users, subsidies_seed):
    CallFactory(budget_wan=D("3000.50"))
    for user in ("yaodu_industry", "city_energy", "leader", "finance"):
        response = api.as_user(users[user]).get("/api/v1/subsidies/calls/")
        assert response.status_code == 200
        row = response.json()["results"][0]
        assert row["budget_wan"] == "3000.50" and row["domain"] == "industry"
        assert set(row) >= {"id", "year", "domain", "opens_on", "closes_on", "budget_wan"}
    assert api.as_user(users["yaodu_land"]).get("/api/v1/subsidies/calls/").status_code == 403


def _body(call, **extra):
    body = {
        "call": call.pk,
        "region": "尧都区",
        "enterprise_name": "临汾钢铁有限公司",
        "credit_code": linfen_code(900),
        "project_name": "高炉煤气余热发电",
        "category": "investment",
        "investment_wan": "60000",
        "little_giant": False,
        "investment_progress": "85",
        "revenue_wan": "300000",
        "above_scale": True,
    }
    body.update(extra)
    return body


@time_machine.travel(datetime.datetime(2026, 5, 20, 9, 0), tick=False)
def test_create_and_patch_application(api, users, subsidies_seed):
    call = CallFactory()
    client = api.as_user(users["yaodu_industry"])
    response = client.post(APPS, _body(call), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["award_wan"] == "750.00" and data["state"] == "draft" and data["region"] == "尧都区"
    assert data["eligible"] is True and data["domain"] == "industry"
    response = client.patch(f"{APPS}{data['id']}/", {"investment_wan": "8000"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["award_wan"] == "200.00"
    Application.objects.filter(pk=data["id"]).update(state=State.COUNTY_REVIEW)
    stagetotals.rebuild()  # arranged behind the services, as a bulk load would be
    assert client.patch(f"{APPS}{data['id']}/", {"investment_wan": "9000"}, format="json").status_code == 409


@time_machine.travel(datetime.datetime(2026, 5, 20, 9, 0), tick=False)
def test_create_recognition_uses_kind(api, users, subsidies_seed):
    call = CallFactory()
    response = api.as_user(users["yaodu_industry"]).post(
        APPS,
        _body(call, category="recognition", kind="tech_center", level="national", investment_wan=None),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "tech_center" and response.json()["award_wan"] == "50.00"


@time_machine.travel(datetime.datetime(2026, 5, 20, 9, 0), tick=False)
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"credit_code": "91430111MA4L41YT1X"}, "credit_code"),
        ({"region": "洪洞县"}, "region"),
        ({"category": "certification", "scheme": "cmmi"}, "level"),
        ({"investment_progress": "120"}, "investment_progress"),
    ],
)
def test_create_rejects_bad_input(api, users, subsidies_seed, extra, field):
    call = CallFactory()
    response = api.as_user(users["yaodu_industry"]).post(APPS, _body(call, **extra), format="json")
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


@time_machine.travel(datetime.datetime(2026, 5, 20, 9, 0), tick=False)
def test_ineligible_application_is_saved_with_reasons(api, users, subsidies_seed):
    call = CallFactory()
    response = api.as_user(users["yaodu_industry"]).post(
        APPS,
        _body(call, credit_code="91350200776049653A", above_scale=False, revenue_wan="1000"),
        format="json",
    )
    assert response.status_code == 201
    codes = {f["code"] for f in response.json()["eligibility_failures"]}
    assert codes == {"not_registered_in_linfen", "scale"}


@pytest.mark.parametrize("user", ["city_industry", "leader", "finance", "expert1"])
def test_only_county_staff_create(api, users, subsidies_seed, user):
    call = CallFactory()
    assert api.as_user(users[user]).post(APPS, _body(call), format="json").status_code == 403


def test_scoping_of_lists_and_details(api, users, make_application):
    from linfen_admin.models import Region
    from tests.subsidies.conftest import CallFactory as Calls

    yaodu = make_application(State.CITY_REVIEW)
    hongdong = make_application(State.CITY_REVIEW, region=Region.objects.get(name="洪洞县"))
    energy = make_application(State.CITY_REVIEW, call=Calls(domain="energy"))
    draft = make_application(State.DRAFT)
    review = make_application(State.EXPERT_REVIEW)
    ExpertAssignment.objects.create(application=review, expert=users["expert1"], round=review.review_round)
    unassigned = make_application(State.EXPERT_REVIEW)

    def ids(user):
        response = api.as_user(users[user]).get(APPS)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("yaodu_industry") == {yaodu.pk, energy.pk, draft.pk, review.pk, unassigned.pk}
    assert ids("hongdong_industry") == {hongdong.pk}
    assert ids("city_industry") == {yaodu.pk, hongdong.pk, review.pk, unassigned.pk}
    assert ids("city_energy") == {energy.pk}
    assert ids("expert1") == {review.pk}  # assigned in the current round; not every file in expert review
    assert ids("expert2") == set()
    assert ids("leader") == {yaodu.pk, hongdong.pk, energy.pk, draft.pk, review.pk, unassigned.pk}
    assert api.as_user(users["yaodu_land"]).get(APPS).status_code == 403  # no subsidies role at all
    for user, hidden in (
        ("yaodu_industry", hongdong),
        ("hongdong_industry", yaodu),
        ("city_energy", yaodu),
        ("expert1", yaodu),
        ("expert1", unassigned),
        ("city_industry", draft),
    ):
        client = api.as_user(users[user])
        assert client.get(f"{APPS}{hidden.pk}/").status_code == 404
        assert client.get(f"{APPS}{hidden.pk}/history/").status_code == 404
        assert (
            client.post(
                f"{APPS}{hidden.pk}/transitions/", {"action": "return", "comment": "x"}, format="json"
            ).status_code
            == 404
        )
    assert (
        api.as_user(users["hongdong_industry"])
        .patch(f"{APPS}{draft.pk}/", {"project_name": "x"}, format="json")
        .status_code
        == 404
    )
    assert (
        api.as_user(users["leader"])
        .patch(f"{APPS}{draft.pk}/", {"project_name": "x"}, format="json")
        .status_code
        == 403
    )


def test_filters(api, users, make_application):
    a = make_application(State.CITY_REVIEW, enterprise_name="霍州煤电集团")
    make_application(State.COUNTY_REVIEW)
    client = api.as_user(users["leader"])
    assert [r["id"] for r in client.get(APPS, {"state": "city_review"}).json()["results"]] == [a.pk]
    assert [r["id"] for r in client.get(APPS, {"q": "霍州"}).json()["results"]] == [a.pk]
    assert client.get(APPS, {"region": "洪洞县"}).json()["count"] == 0
    assert client.get(APPS, {"domain": "industry"}).json()["count"] == 2


def test_history_endpoint(api, users, make_application):
    application = make_application(State.COUNTY_REVIEW)
    client = api.as_user(users["yaodu_industry"])
    assert (
        client.post(
            f"{APPS}{application.pk}/transitions/",
            {
                "action": "recommend",
                "document_no": "尧工信〔2026〕3 号",
                "inspection_opinion": "属实",
                "comment": "推荐",
                "version": application.version,
            },
            format="json",
        ).status_code
        == 200
    )
    history = client.get(f"{APPS}{application.pk}/history/").json()
    assert [(h["action"], h["from_state"], h["to_state"]) for h in history] == [
        ("recommend", "county_review", "city_review")
    ]
    assert history[0]["data"]["document_no"] == "尧工信〔2026〕3 号"
    assert history[0]["actor_name"]
    stale = client.post(
        f"{APPS}{application.pk}/transitions/",
        {"action": "return", "comment": "x", "version": 1},
        format="json",
    )
    assert stale.status_code in (403, 409)


def test_expert_scores_through_the_api(api, users, make_application, make_committee):
    application = make_application(State.CITY_REVIEW)
    committee = make_committee(experts=("expert1",))
    api.as_user(users["city_industry"]).post(
        f"{APPS}{application.pk}/transitions/",
        {"action": "send_to_experts", "committee": committee.pk},
        format="json",
    )
    response = api.as_user(users["expert1"]).post(
        f"{APPS}{application.pk}/scores/", {"score": "91.5", "opinion": "方案先进"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["score"] == "91.50"
    assert (
        api.as_user(users["expert2"])
        .post(f"{APPS}{application.pk}/scores/", {"score": "90", "opinion": "x"}, format="json")
        .status_code
        == 404
    )  # not on the panel: not even seen


def test_api_list_query_count(api, users, make_application, django_assert_max_num_queries):
    for state in (State.CITY_REVIEW, State.PLANNED, State.EXPERT_REVIEW) * 5:
        make_application(state)
    client = api.as_user(users["city_industry"])
    with django_assert_max_num_queries(8):
        response = client.get(APPS)
    assert response.json()["count"] == 15
