"""Issue 14, subsidies items 1, 2 and 5, against 临政办发〔2022〕16 号:
- 第七条 "首次" and 补差 decided by the awards the product already granted (not by what the request declares);
- 突破 (strictly more) and 达到 (at least) per threshold, as the seed words each; the 原则上 cap of (一);
- 第十五条: the rules' validity (2022-04-22, two years) refuses calls outside it."""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linfen_admin.models import AuditEvent
from subsidies import selectors, services
from subsidies.models import Application, Category, State
from subsidies.rules import EarlierAward, RuleBook, quote_award
from subsidies.seed import RULES_FIXTURE

from .conftest import TODAY, CallFactory, linfen_code

QUOTE = "/api/v1/subsidies/award-quote/"


@pytest.fixture(scope="module")
def data():
    return json.loads(RULES_FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book(data):
    return RuleBook.from_fixture(data)


def earlier(category, scheme, level="", revenue=None, award="0", reference="JG-000007", year=2023):
    return EarlierAward(
        reference=reference,
        year=year,
        category=category,
        scheme=scheme,
        level=level,
        revenue_wan=None if revenue is None else D(revenue),
        award_wan=D(award),
    )


# --- Item 1: records decide "首次" and 补差 (pure rule fed the earlier awards) ---------------------------------

GRADE_RECORD_CASES = [
    # seed line, category, scheme, earlier levels, requested level, eligible, award
    ("(四) CMMI 由低等次向高等次升级的,奖励其差额部分", "certification", "cmmi", ["3"], "5", True, "15"),
    ("(四) CMMI 首次通过:同一等次不再奖励", "certification", "cmmi", ["3"], "3", False, "0"),
    ("(四) CMMI 低于已奖励等次", "certification", "cmmi", ["5"], "4", False, "0"),
    ("(四) CMMI 3→4→5 逐级:差额按最高已奖励等次", "certification", "cmmi", ["3", "4"], "5", True, "10"),
    ("(四) ITSS 三级→一级(一级最高)差额", "certification", "itss", ["3"], "1", True, "15"),
    ("(四) DCMM 4→5 差额", "certification", "dcmm", ["4"], "5", True, "10"),
    ("(四) 两化融合 升级享受级别“补差”", "certification", "it_integration", ["A"], "AA", True, "10"),
    ("(四) 两化融合 AAA→AAAA 同为 60:无差额", "certification", "it_integration", ["AAA"], "AAAA", False, "0"),
    (
        "(三) 技术中心 市级→国家级:本项未规定补差,全额",
        "recognition",
        "tech_center",
        ["municipal"],
        "national",
        True,
        "50",
    ),
    ("(三) 技术中心 同一等次再次申请", "recognition", "tech_center", ["national"], "national", False, "0"),
    ("(三) 环保绩效 首次达到 A 级:再次 A 级", "recognition", "env_performance", ["A"], "A", False, "0"),
    ("(三) 无已奖励记录:全额", "recognition", "tech_center", [], "provincial", True, "20"),
]


@pytest.mark.parametrize(
    ("line", "category", "scheme", "levels", "level", "eligible", "expected"), GRADE_RECORD_CASES
)
def test_grade_awards_measured_against_the_records(
    book, line, category, scheme, levels, level, eligible, expected
):
    records = [
        earlier(category, scheme, level=grade, reference=f"JG-{i + 1:06d}", year=2022 + i)
        for i, grade in enumerate(levels)
    ]
    key = "kind" if category == "recognition" else "scheme"
    quote = quote_award(book, {"category": category, key: scheme, "level": level}, records)
    assert (quote.eligible, quote.award_wan) == (eligible, D(expected)), line
    if records:
        assert quote.earlier_award["source"] == "record"
        if not eligible:
            assert quote.earlier_award["reference"] in quote.reasons[0], line


REVENUE_RECORD_CASES = [
    # seed line, scheme, earlier (scheme, revenue, award), requested revenue, eligible, award
    (
        "(五) 首次突破 50 亿:已奖励 60 亿,70 亿不是首次",
        "main_business",
        ("main_business", "600000", "100"),
        "700000",
        False,
        "0",
    ),
    (
        "(五) 50 亿→100 亿 由低等次向高等次升级的,奖励其差额部分",
        "main_business",
        ("main_business", "600000", "100"),
        "1500000",
        True,
        "200",
    ),
    (
        "(五) 已奖励恰好 100 亿(未突破 100 亿,属 50 亿档)→ 突破 100 亿",
        "main_business",
        ("main_business", "1000000", "100"),
        "1000000.01",
        True,
        "200",
    ),
    (
        "(六) 链主 50 亿及以上按(五)执行:(五)的奖励即同一等次",
        "chain_leader",
        ("main_business", "600000", "100"),
        "800000",
        False,
        "0",
    ),
    (
        "(五) 链主 50 亿的奖励按(五)计为 50 亿档",
        "main_business",
        ("chain_leader", "600000", "100"),
        "1200000",
        True,
        "200",
    ),
    (
        "(五) 链主 10 亿档不属于(五)的等次",
        "main_business",
        ("chain_leader", "200000", "50"),
        "600000",
        True,
        "100",
    ),
    ("(四) 软件 首次达到:未规定补差,全额", "software", ("software", "2500", "10"), "5200", True, "30"),
    ("(四) 软件 同一档次不是首次", "software", ("software", "3500", "20"), "3900", False, "0"),
]


@pytest.mark.parametrize(
    ("line", "scheme", "record", "revenue", "eligible", "expected"), REVENUE_RECORD_CASES
)
def test_revenue_awards_measured_against_the_records(book, line, scheme, record, revenue, eligible, expected):
    records = [earlier("revenue", record[0], revenue=record[1], award=record[2])]
    quote = quote_award(book, {"category": "revenue", "scheme": scheme, "revenue_wan": D(revenue)}, records)
    assert (quote.eligible, quote.award_wan) == (eligible, D(expected)), line


def test_the_records_win_over_a_lower_declaration_and_a_higher_declaration_only_lowers(book):
    records = [earlier("certification", "cmmi", level="4", award="10")]
    params = {"category": "certification", "scheme": "cmmi", "level": "5"}
    # The request says nothing (the case) or declares a lower grade: the record of CMMI 4 decides.
    assert quote_award(book, params, records).award_wan == D("10")
    assert quote_award(book, {**params, "previous_level": "3"}, records).award_wan == D("10")
    # Declared higher than the records (an award before the product's records): counts, never raises the award.
    declared = quote_award(book, {**params, "previous_level": "5"}, records)
    assert not declared.eligible and declared.earlier_award["source"] == "declared"


# --- Item 2: 突破 / 达到 per threshold, as the seed words each; the 原则上 cap --------------------------------


def test_every_threshold_is_marked_as_the_seed_words_it(data):
    """Every bracket tier carries its comparison and the seed's words: 突破 ⇔ gt; 达到 / (含) / 以上 ⇔ gte."""
    tiers = [
        (rule["code"], tier)
        for rule in data["rules"]
        for tier in rule["tiers"]
        if rule["method"] == "bracket"
    ]
    assert len(tiers) == 16  # (二) 6, (四) 软件 3, (五) 3, (六) 4
    for code, tier in tiers:
        quote = tier["seed_quote"]
        assert quote, (code, tier["rank"])
        if "突破" in quote:
            assert tier["comparison"] == "gt", (code, quote)
        else:
            assert tier["comparison"] == "gte" and ("达到" in quote or "(含)" in quote), (code, quote)
    investment = next(rule for rule in data["rules"] if rule["code"] == "investment")
    assert investment["min_base_comparison"] == "gte" and "2000 万元以上" in investment["seed_quote"]


BREAKTHROUGH_CASES = [
    # (五)“上年度主营业务收入首次突破 200 亿元的企业,给予一次性 500 万元的奖励”
    ("1999999.99", "300"),
    ("2000000", "300"),  # exactly 200 亿 is not 突破 200 亿
    ("2000000.01", "500"),
]


@pytest.mark.parametrize(("revenue", "expected"), BREAKTHROUGH_CASES)
def test_exactly_200_yi_does_not_break_through_200_yi(book, revenue, expected):
    quote = quote_award(book, {"category": "revenue", "scheme": "main_business", "revenue_wan": D(revenue)})
    assert quote.award_wan == D(expected)


CAP_CASES = [
    # (一)“按国、省资金支持额度的 30%予以配套奖励,单个项目配套奖励金额原则上不超过 1000 万元”
    # support, exception reason, award, capped, exception
    ("3333.33", "", "1000.00", False, False),
    ("3340", "", "1000.00", True, False),
    ("4000", "", "1000.00", True, False),
    ("4000", "国家重大专项,市政府专题会议同意", "1200.00", False, True),
    ("2000", "理由", "600.00", False, False),  # under the cap the exception changes nothing
]


@pytest.mark.parametrize(("support", "reason", "expected", "capped", "exception"), CAP_CASES)
def test_the_cap_of_one_is_a_principle_with_a_recorded_exception(
    book, support, reason, expected, capped, exception
):
    params = {"category": "matching", "support_wan": D(support), "cap_exception_reason": reason}
    quote = quote_award(book, params)
    assert (quote.award_wan, quote.capped, quote.cap_exception) == (D(expected), capped, exception)


# --- Item 5: validity (第十五条 本办法自公布之日起施行,有效期 2 年; 印发 2022 年 4 月 22 日) ----------------------

VALIDITY_CASES = [
    (datetime.date(2022, 4, 21), False),
    (datetime.date(2022, 4, 22), True),  # first day
    (datetime.date(2024, 4, 21), True),  # last day
    (datetime.date(2024, 4, 22), False),
]


@pytest.mark.parametrize(("opens_on", "in_force"), VALIDITY_CASES)
def test_the_rules_compute_only_for_calls_within_their_validity(book, opens_on, in_force):
    assert (book.valid_from, book.valid_until) == (datetime.date(2022, 4, 22), datetime.date(2024, 4, 21))
    params = {"category": "investment", "investment_wan": D("12000")}
    if in_force:
        assert quote_award(book, params, opens_on=opens_on).award_wan == D("300")
    else:
        with pytest.raises(ValidationError) as refused:
            quote_award(book, params, opens_on=opens_on)
        assert "第十五条" in refused.value.message_dict["call"][0]


# --- Through the database: the selector, the services, the API and the page --------------------------------


@pytest.mark.parametrize(
    ("state", "counts"),
    [
        (State.PLANNED, False),
        (State.APPROVED, True),
        (State.DISBURSED, True),
        (State.EVALUATED, True),
        (State.RECOVERY, True),
        (State.CLOSED, True),
        (State.REJECTED, False),
        (State.RETURNED, False),
    ],
)
def test_granted_means_from_the_city_government_approval_on(
    make_application, django_assert_num_queries, state, counts
):
    record = make_application(
        state, category=Category.CERTIFICATION, scheme="cmmi", level="3", investment_wan=None
    )
    with django_assert_num_queries(1):
        found = selectors.earlier_awards(
            credit_code=record.credit_code, category="certification", scheme="cmmi"
        )
    assert [e.reference for e in found] == ([record.reference] if counts else [])


def _cmmi_record(make_application, year=TODAY.year - 1, level="3"):
    call = CallFactory(year=year, opens_on=datetime.date(year, 3, 1), closes_on=datetime.date(year, 12, 31))
    return make_application(
        State.CLOSED,
        call=call,
        category=Category.CERTIFICATION,
        scheme="cmmi",
        level=level,
        investment_wan=None,
        award_wan=D("5.00"),
        planned_wan=D("5.00"),
    )


def _create(users, **fields):
    base = dict(
        actor=users["yaodu_industry"],
        call=CallFactory(),
        region=users["yaodu_industry"].region,
        enterprise_name="临汾软件",
        project_name="CMMI 5 级",
        category="certification",
        revenue_wan=D("9000"),
        above_scale=True,
        today=TODAY,
    )
    base.update(fields)
    return services.application_create(**base)


def test_an_upgrade_across_years_pays_the_difference_and_names_the_earlier_award(users, make_application):
    record = _cmmi_record(make_application)
    application = _create(users, credit_code=record.credit_code, scheme="cmmi", level="5")
    assert application.award_wan == D("15.00") and application.eligible
    assert application.award_explanation["earlier_award"] == {
        "source": "record",
        "reference": record.reference,
        "year": TODAY.year - 1,
        "award_wan": "5.00",
        "tier": "CMMI 3 级",
    }


def test_the_same_grade_again_across_years_is_ineligible_with_the_earlier_award(users, make_application):
    record = _cmmi_record(make_application)
    application = _create(users, credit_code=record.credit_code, scheme="cmmi", level="3")
    assert not application.eligible and application.award_wan == D("0.00")
    assert any(record.reference in f["message"] for f in application.eligibility_failures)


def test_seven_seven_the_same_project_funded_in_an_earlier_year(users, make_application):
    """(七)“已享受市级财政专项资金支持的同一项目,不得重复申请市级技术改造资金”: the same project, any year;
    the enterprise's other project is not barred."""
    call = CallFactory(year=TODAY.year - 2, opens_on=datetime.date(TODAY.year - 2, 3, 1))
    funded = make_application(State.CLOSED, call=call, project_name="焦化智能化改造")
    common = dict(
        credit_code=funded.credit_code,
        category="investment",
        investment_wan=D("12000"),
        investment_progress=D("90"),
    )
    again = _create(users, project_name="焦化智能化改造", **common)
    assert [f["code"] for f in again.eligibility_failures] == ["funded_before"]
    assert funded.reference in again.eligibility_failures[0]["message"]
    other = _create(users, project_name="余热发电改造", **common)
    assert other.eligible


def test_the_quote_api_shows_the_earlier_award_it_used(api, users, make_application):
    record = _cmmi_record(make_application)
    body = {"category": "certification", "scheme": "cmmi", "level": "5", "credit_code": record.credit_code}
    data = api.as_user(users["yaodu_industry"]).post(QUOTE, body, format="json").json()
    assert (data["award_wan"], data["earlier_award"]["reference"], data["earlier_award"]["year"]) == (
        "15.00",
        record.reference,
        TODAY.year - 1,
    )
    assert data["earlier_award"]["award_wan"] == "5.00"


def test_the_calculator_page_shows_the_earlier_award(client, users, make_application):
    record = _cmmi_record(make_application)
    client.force_login(users["yaodu_industry"])
    response = client.post(
        "/subsidies/award-quote/",
        {
            "category": "certification",
            "certification": "cmmi",
            "level_cmmi": "5",
            "credit_code": record.credit_code,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200, body
    assert record.reference in body and "15.00" in body


def test_a_call_outside_the_rules_validity_is_refused_by_service_api_and_page(seed_rules, users, api, client):
    """16 号 alone (as loaded by the seed): valid 2022-04-22 to 2024-04-21; the tests' 2026 call is outside."""
    call = CallFactory()
    with pytest.raises(ValidationError) as refused:
        _create(users, call=call, credit_code=linfen_code(501), scheme="cmmi", level="3")
    assert "第十五条" in refused.value.message_dict["call"][0]
    assert not Application.objects.exists()
    body = {"category": "certification", "scheme": "cmmi", "level": "3", "call": call.pk}
    response = api.as_user(users["yaodu_industry"]).post(QUOTE, body, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["call"]
    client.force_login(users["yaodu_industry"])
    page = client.post(
        "/subsidies/award-quote/",
        {"category": "certification", "certification": "cmmi", "level_cmmi": "3", "call": call.pk},
    )
    assert page.status_code == 400 and "第十五条" in page.content.decode()


def test_a_call_within_the_validity_computes(seed_rules, users):
    call = CallFactory(year=2024, opens_on=datetime.date(2024, 4, 21), closes_on=datetime.date(2024, 6, 30))
    application = _create(
        users,
        call=call,
        today=datetime.date(2024, 5, 1),
        credit_code=linfen_code(502),
        scheme="cmmi",
        level="3",
    )
    assert application.award_wan == D("5.00")


def test_the_city_bureau_records_a_cap_exception_audited(users, make_application):
    application = make_application(
        State.CITY_REVIEW, category=Category.MATCHING, support_wan=D("4000"), investment_wan=None
    )
    services.application_evaluate(application)
    assert application.award_wan == D("1000.00")
    with pytest.raises(PermissionDenied):
        services.application_cap_exception(
            actor=users["yaodu_industry"], application_id=application.pk, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.application_cap_exception(
            actor=users["city_energy"], application_id=application.pk, reason="x"
        )
    changed = services.application_cap_exception(
        actor=users["city_industry"], application_id=application.pk, reason="国家重大专项,市政府专题会议同意"
    )
    assert changed.award_wan == D("1200.00") and changed.cap_exception_by == users["city_industry"]
    event = AuditEvent.objects.for_object(changed).filter(action=AuditEvent.Action.UPDATE).latest("pk")
    assert "cap_exception_reason" in event.changes
    cleared = services.application_cap_exception(
        actor=users["city_industry"], application_id=application.pk, reason=""
    )
    assert cleared.award_wan == D("1000.00") and cleared.cap_exception_by is None


def test_the_cap_exception_through_the_api(api, users, make_application):
    application = make_application(
        State.EXPERT_REVIEW, category=Category.MATCHING, support_wan=D("4000"), investment_wan=None
    )
    url = f"/api/v1/subsidies/applications/{application.pk}/cap-exception/"
    assert api.as_user(users["city_energy"]).post(url, {"reason": "x"}, format="json").status_code == 404
    response = api.as_user(users["city_industry"]).post(url, {"reason": "市政府专题会议同意"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["award_wan"], response.json()["cap_exception_reason"]) == (
        "1200.00",
        "市政府专题会议同意",
    )
    planned = make_application(
        State.PLANNED, category=Category.MATCHING, support_wan=D("4000"), investment_wan=None
    )
    url = f"/api/v1/subsidies/applications/{planned.pk}/cap-exception/"
    assert api.as_user(users["city_industry"]).post(url, {"reason": "x"}, format="json").status_code == 409


def test_evaluations_of_supported_projects_go_on_after_the_validity(seed_rules, users):
    """第十五条: 对已支持项目的评价工作,有效期可顺延至评价结束 — a disbursed project of a call outside the
    rules' validity is still evaluated (evaluation computes no award)."""
    from subsidies.services import application_transition

    from .conftest import ApplicationFactory

    application = ApplicationFactory(disbursed=True)
    application_transition(
        application_id=application.pk,
        actor=users["yaodu_industry"],
        action="evaluate",
        comment="第三方评价合格",
        data={"indicator_type": "economic", "completed_on": "2026-03-01", "evaluation_agency": "第三方"},
    )
    application.refresh_from_db()
    assert application.state == State.EVALUATED and application.award_wan == D("300.00")


def test_another_countys_award_decides_the_quote_but_its_reference_is_withheld(api, users, make_application):
    record = _cmmi_record(make_application)
    assert record.region.name == "尧都区"
    body = {"category": "certification", "scheme": "cmmi", "level": "5", "credit_code": record.credit_code}
    response = api.as_user(users["hongdong_industry"]).post(QUOTE, body, format="json")
    data = response.json()
    assert data["award_wan"] == "15.00"  # the difference: the rules see every region's awards
    assert data["earlier_award"]["reference"] == "其他县(市、区)的申报"
    assert record.reference not in response.content.decode()
