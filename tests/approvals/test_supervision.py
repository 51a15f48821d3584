"""事中事后监管 reaches the supervisors (临政发〔2022〕5 号 附件).

- 第 17 项 备注 "监管部门包括市、县级市场监督管理部门和卫生健康部门", 监管措施 1 "审批通过后,及时公示并通知市场监管
  和卫生健康部门"; 第 18 项 备注 "监管部门包括市、县级卫生健康部门", 监管措施 1 "市、县级卫生健康部门负责本辖区消毒
  产品生产企业的日常监督管理": every decision enters the list of those departments — the city one and the one of
  the applicant's county — and their inspectors are told on commit; each department reads only its own list.
- 第 18 项 监管措施 2 "各级卫生健康部门按照'双随机、一公开'要求…做好消毒产品抽查工作": a draw's inspectors come
  from those departments only, at the city and the holder's county.
- 第 2、3 项 监管措施 1 "根据风险程度、信用水平,合理确定抽查比例": each holder is sampled at its credit level's ratio.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals import services
from approvals.models import InspectionDraw, LicensedEntity, Supervision
from approvals.notifications import RULE, notify_supervisors
from approvals.rules.draw import draw, level_ratio
from approvals.selectors import location_from_credit_code, replay_draw, supervising_departments
from linfen_admin.models import Notification
from linfen_admin.roles import Role

from .conftest import make_code

D = datetime.date


# ---- who supervises: the 备注 of each item, at the levels it names -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "where", "codes", "seed_line"),
    [
        (
            17,
            "尧都区",
            {"city-market", "city-health", "141002-market", "141002-health"},
            "第 17 项 备注 市、县级",
        ),
        (
            17,
            "洪洞县",
            {"city-market", "city-health", "141024-market", "141024-health"},
            "第 17 项 备注 市、县级",
        ),
        (17, "临汾开发区", {"city-market", "city-health", "141099-market", "141099-health"}, "第 17 项 备注"),
        (17, "市本级", {"city-market", "city-health"}, "第 17 项 备注: 市级 (所在地不明)"),
        (17, None, {"city-market", "city-health"}, "第 17 项 备注: 市级 (所在地不明)"),
        (18, "尧都区", {"city-health", "141002-health"}, "第 18 项 备注 市、县级卫生健康部门"),
        (18, "霍州市", {"city-health", "141082-health"}, "第 18 项 备注 市、县级卫生健康部门"),
        (18, None, {"city-health"}, "第 18 项 备注: 市级 (所在地不明)"),
    ]
    + [(n, "尧都区", set(), f"第 {n} 项 备注未列监管部门") for n in (*range(1, 17), 19)],
)
def test_supervising_departments_per_item_and_place(items, regions, number, where, codes, seed_line):
    region = regions[where] if where else None
    assert {d.code for d in supervising_departments(items[number], region)} == codes, seed_line


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("credit_code", "expected"),
    [
        (make_code("141002"), "尧都区"),  # GB 32100-2015 positions 3–8: the registering authority's division
        (make_code("141024"), "洪洞县"),
        (make_code("141099"), "临汾开发区"),
        (make_code("141000"), None),  # registered at the city: no county
        ("91430111MA4L41YT1U", None),  # outside Linfen
        ("", None),
    ],
)
def test_location_from_the_credit_code(regions, credit_code, expected):
    found = location_from_credit_code(credit_code)
    assert (found.name if found else None) == expected


# ---- the applicant's place on the case ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "region", "location", "code_region", "expected"),
    [
        (5, "尧都区", None, "141002", "尧都区"),  # a county item: where it is handled
        (5, "尧都区", "尧都区", "141024", "尧都区"),
        (17, None, "洪洞县", "141002", "洪洞县"),  # a city item: the county given wins
        (17, None, None, "141024", "洪洞县"),  # else the credit code's division
        (18, None, None, "141000", None),  # registered at the city: no county supervisors
    ],
)
def test_case_location(new_case, regions, number, region, location, code_region, expected):
    case = new_case(
        number=number,
        region=region,
        location=regions[location] if location else None,
        applicant_credit_code=make_code(code_region, serial=77),
    )
    assert (case.location.name if case.location else None) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "region", "location"),
    [(5, "尧都区", "洪洞县"), (17, None, "市本级")],  # a county item elsewhere; 市本级 is no county
)
def test_case_location_refused(new_case, regions, number, region, location):
    with pytest.raises(ValidationError) as refused:
        new_case(number=number, region=region, location=regions[location])
    assert "location" in refused.value.message_dict


# ---- every decision enters the supervisors' lists, who are told on commit ----------------------------------


@pytest.fixture
def supervisors(make_user, users):
    """Inspectors of the supervising departments (city and two counties), and two who must never be told."""
    return {
        "city_market": users["inspector1"],
        "city_health": make_user("city_health", Role.INSPECTOR, department="city-health"),
        "yaodu_market": make_user(
            "yaodu_market", Role.INSPECTOR, region="尧都区", department="141002-market"
        ),
        "yaodu_health": make_user(
            "yaodu_health", Role.INSPECTOR, region="尧都区", department="141002-health"
        ),
        "hongdong_market": make_user(
            "hongdong_market", Role.INSPECTOR, region="洪洞县", department="141024-market"
        ),
        "hongdong_health": make_user(
            "hongdong_health", Role.INSPECTOR, region="洪洞县", department="141024-health"
        ),
        "approval_inspector": make_user(
            "approval_inspector", Role.INSPECTOR, department="city-approval-service"
        ),
    }


def _decided(new_case, regions, number, where, decision, capture):
    case = new_case(number=number, region=None if number >= 13 else where, location=regions[where])
    with capture(execute=True):
        services.case_decide(
            actor=case.created_by,
            case=case,
            decision=decision,
            decided_on=D(2022, 10, 10),
        )
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "where", "decision", "departments", "told"),
    [
        (
            17,
            "尧都区",
            "approved",
            {"city-market", "city-health", "141002-market", "141002-health"},
            {"city_market", "city_health", "yaodu_market", "yaodu_health"},
        ),
        (
            17,
            "洪洞县",
            "denied",
            {"city-market", "city-health", "141024-market", "141024-health"},
            {"city_market", "city_health", "hongdong_market", "hongdong_health"},
        ),
        (18, "尧都区", "approved", {"city-health", "141002-health"}, {"city_health", "yaodu_health"}),
        (18, "洪洞县", "denied", {"city-health", "141024-health"}, {"city_health", "hongdong_health"}),
        (5, "尧都区", "approved", set(), set()),  # 第 5 项: no supervisor named in its 备注
    ],
)
def test_a_decision_reaches_the_supervisors(
    new_case,
    regions,
    supervisors,
    django_capture_on_commit_callbacks,
    number,
    where,
    decision,
    departments,
    told,
):
    """第 17 项 监管措施 1 "审批通过后…通知市场监管和卫生健康部门"; 第 18 项 监管措施 1 市、县级卫生健康部门."""
    case = _decided(new_case, regions, number, where, decision, django_capture_on_commit_callbacks)
    rows = Supervision.objects.filter(case=case).select_related("department", "region", "entity")
    assert {row.department.code for row in rows} == departments
    for row in rows:  # a county department's row is in its county; a city one's in 市本级
        assert row.region.name == (row.department.region.name if row.department.region else "市本级")
        assert (row.entity is not None) == (decision == "approved")
    notices = Notification.objects.filter(rule=RULE, object_id=str(case.pk))
    assert {n.recipient.username for n in notices} == {supervisors[key].username for key in told}
    if told:
        assert all(case.applicant_name in n.title for n in notices)
        assert notify_supervisors(case.pk) == 0  # once per case and decision


@pytest.mark.django_db
def test_nothing_is_told_before_the_decision_commits(new_case, regions, supervisors):
    case = new_case(number=17, region=None, location=regions["尧都区"])
    services.case_decide(actor=case.created_by, case=case, decision="approved", decided_on=D(2022, 10, 10))
    assert Supervision.objects.filter(case=case).count() == 4
    assert not Notification.objects.filter(rule=RULE).exists()  # queued on commit, not yet sent


# ---- the supervision list: page and API, each department its own -------------------------------------------


@pytest.fixture
def decided(new_case, regions, supervisors, django_capture_on_commit_callbacks):
    return {
        "17-yaodu": _decided(new_case, regions, 17, "尧都区", "approved", django_capture_on_commit_callbacks),
        "17-hongdong": _decided(
            new_case, regions, 17, "洪洞县", "denied", django_capture_on_commit_callbacks
        ),
        "18-hongdong": _decided(
            new_case, regions, 18, "洪洞县", "approved", django_capture_on_commit_callbacks
        ),
    }


SEES = [
    ("city_market", {"17-yaodu", "17-hongdong"}),  # the city department: every county's
    ("city_health", {"17-yaodu", "17-hongdong", "18-hongdong"}),
    ("yaodu_market", {"17-yaodu"}),  # a county department: its county's only
    ("yaodu_health", {"17-yaodu"}),
    ("hongdong_market", {"17-hongdong"}),
    ("hongdong_health", {"17-hongdong", "18-hongdong"}),
    ("approval_inspector", set()),  # not a supervisor of these items
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "cases"), SEES)
def test_supervision_page_shows_each_department_its_own(client, supervisors, decided, who, cases):
    client.force_login(supervisors[who])
    response = client.get(reverse("approvals:supervision-list"))
    assert response.status_code == 200
    shown = {key for key, case in decided.items() if case.applicant_name in response.content.decode()}
    assert shown == cases


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "cases"), SEES)
def test_supervision_api_scoped(api, supervisors, decided, who, cases):
    client = api.as_user(supervisors[who])
    response = client.get("/api/v1/approvals/supervision/")
    assert response.status_code == 200
    rows = response.data["results"]
    assert {row["case"] for row in rows} == {decided[key].pk for key in cases}
    assert all(row["department"] == supervisors[who].department.name for row in rows)
    # another department's rows are not found, whatever the filters
    assert client.get("/api/v1/approvals/supervision/", {"page_size": 1000}).data["count"] == len(cases)


@pytest.mark.django_db
def test_supervision_api_row_in_words(api, supervisors, decided):
    row = api.as_user(supervisors["yaodu_market"]).get("/api/v1/approvals/supervision/").data["results"][0]
    case = decided["17-yaodu"]
    assert row["item"] == 17 and row["location"] == "尧都区" and row["decision"] == "approved"
    assert row["applicant_credit_code"] == case.applicant_credit_code
    assert row["approval_department"] == "市行政审批服务管理局" and row["region"] == "尧都区"


@pytest.mark.django_db
def test_supervision_list_refused_without_the_role(client, api, users, decided):
    client.force_login(users["yaodu_approval"])
    assert client.get(reverse("approvals:supervision-list")).status_code == 403
    assert api.as_user(users["yaodu_approval"]).get("/api/v1/approvals/supervision/").status_code == 403


@pytest.mark.django_db
def test_leader_reads_every_list(api, users, decided):
    rows = api.as_user(users["leader"]).get("/api/v1/approvals/supervision/").data["results"]
    assert len(rows) == Supervision.objects.count() == 4 + 4 + 2


@pytest.mark.django_db
def test_case_page_names_the_supervisors(client, users, decided):
    client.force_login(users["city_approval"])
    page = client.get(reverse("approvals:case-detail", args=[decided["18-hongdong"].pk])).content.decode()
    assert "已纳入监管" in page and "洪洞县卫生健康局" in page and "市卫生健康委员会" in page


# ---- draws: inspectors from the supervisors at the right level; ratios per credit level --------------------


@pytest.fixture
def disinfectant_makers(items, regions, users):
    """第 18 项 holders (a city-level item, filed under 市本级) in two counties."""
    return [
        services.entity_create(
            actor=users["admin"],
            item=items[18],
            region=None,
            name=f"消毒产品厂{i}",
            credit_code=make_code("141002" if i % 2 else "141024", serial=300 + i),
            licensed_on=D(2022, 6, 1),
        )
        for i in range(6)
    ]


@pytest.mark.django_db
def test_item_18_draw_takes_inspectors_from_health_only(users, supervisors, disinfectant_makers, items):
    """第 18 项 监管措施 2: 各级卫生健康部门…做好消毒产品抽查工作 — not the approval bureau, not market regulation."""
    for i in range(4):
        the_draw = services.draw_create(
            actor=supervisors["city_health"],
            item=items[18],
            ratio="1",
            seed=f"s{i}",
            inspectors_per_entity=2,
            drawn_on=D(2022, 9, 1),
        )
        assert the_draw.drawn.count() == 6
        for row in the_draw.drawn.select_related("entity__location").prefetch_related(
            "inspectors__department"
        ):
            allowed = {"city-health", f"{row.entity.location.code}-health"}
            assert {u.department.code for u in row.inspectors.all()} <= allowed
        assert replay_draw(the_draw)
    pool = {pk for pk, _dept in the_draw.inspector_pool}
    assert supervisors["approval_inspector"].pk in pool  # in the pool, but the 备注 keeps them out


@pytest.mark.django_db
def test_item_18_draw_through_the_api(api, supervisors, disinfectant_makers):
    response = api.as_user(supervisors["city_health"]).post(
        "/api/v1/approvals/inspection-draws/",
        {"item": 18, "ratio": "1", "seed": "api", "inspectors_per_entity": 2},
        format="json",
    )
    assert response.status_code == 201, response.data
    health = {supervisors[k].pk for k in ("city_health", "yaodu_health", "hongdong_health")}
    assert all(set(row["inspectors"]) <= health for row in response.data["drawn"])


@pytest.mark.django_db
def test_item_18_draw_refused_when_the_supervisors_are_too_few(
    users, supervisors, disinfectant_makers, items
):
    with pytest.raises(ValidationError) as refused:
        services.draw_create(
            actor=supervisors["city_health"], item=items[18], ratio="1", inspectors_per_entity=3
        )
    assert "监管部门" in refused.value.messages[0]


DEFAULT_RATIOS = {"A": Decimal("0.050"), "B": Decimal("0.100"), "C": Decimal("0.300"), "D": Decimal("1.000")}


@pytest.mark.parametrize(
    ("population", "floor", "drawn"),
    [
        # A 5 %, B 10 %, C 30 %, D 100 % (the project's defaults; the notice gives no figures), ceil per level
        ({"A": 20, "B": 10, "C": 10, "D": 3}, None, {"A": 1, "B": 1, "C": 3, "D": 3}),
        ({"A": 40, "B": 0, "C": 1, "D": 0}, None, {"A": 2, "C": 1}),
        # a floor raises the lower levels only
        ({"A": 20, "B": 10, "C": 10, "D": 3}, Decimal("0.2"), {"A": 4, "B": 2, "C": 3, "D": 3}),
        ({"A": 20, "B": 10, "C": 10, "D": 3}, Decimal("0.01"), {"A": 1, "B": 1, "C": 3, "D": 3}),
    ],
)
def test_sample_follows_each_entitys_credit_level(population, floor, drawn):
    """第 2、3 项 监管措施 1 "根据风险程度、信用水平,合理确定抽查比例"."""
    levels, pk = {}, 0
    for level, n in population.items():
        for _ in range(n):
            pk += 1
            levels[pk] = level
    result = draw(
        seed="ratios",
        candidate_ids=list(levels),
        blacklisted_ids=[],
        ratio=floor,
        entity_departments=dict.fromkeys(levels, 1),
        inspectors=[(101, 2), (102, 3)],
        inspectors_per_entity=1,
        entity_levels=levels,
        level_ratios=DEFAULT_RATIOS,
    )
    counts: dict[str, int] = {}
    for entity_id in result.entity_ids:
        counts[levels[entity_id]] = counts.get(levels[entity_id], 0) + 1
    assert counts == drawn


@pytest.mark.parametrize(
    ("own", "floor", "applied"),
    [
        (Decimal("0.05"), None, Decimal("0.05")),
        (Decimal("0.05"), Decimal("0.2"), Decimal("0.2")),
        (Decimal("1"), Decimal("0.2"), Decimal("1")),
    ],
)
def test_level_ratio_with_a_floor(own, floor, applied):
    assert level_ratio(own, floor) == applied


def test_a_draw_made_before_the_levels_replays_with_its_one_ratio():
    """Draws stored without levels keep their uniform ratio: their replay does not change."""
    inputs = {
        "seed": "old",
        "candidate_ids": list(range(1, 11)),
        "blacklisted_ids": [],
        "ratio": Decimal("0.3"),
        "entity_departments": dict.fromkeys(range(1, 11), 1),
        "inspectors": [(101, 2), (102, 3)],
        "inspectors_per_entity": 1,
    }
    assert draw(**inputs) == draw(**inputs, entity_levels={}, level_ratios={}, entity_supervisors={})
    assert len(draw(**inputs).entity_ids) == 3


@pytest.fixture
def graded_holders(items, regions, users, make_user):
    """农药经营许可 holders in 尧都区 at four credit levels, and inspectors outside the licensing department."""
    make_user("insp_a", Role.INSPECTOR, region="尧都区", department="141002-market")
    make_user("insp_b", Role.INSPECTOR, region="尧都区", department="141002-agriculture")
    holders = []
    for level, n in (("A", 20), ("B", 10), ("C", 4), ("D", 2)):
        for i in range(n):
            holders.append(
                services.entity_create(
                    actor=users["admin"],
                    item=items[5],
                    region=regions["尧都区"],
                    name=f"{level}级农资店{i}",
                    credit_level=level,
                    licensed_on=D(2022, 6, 1),
                )
            )
    return holders


def _drawn_per_level(the_draw):
    counts: dict[str, int] = {}
    for level in the_draw.drawn.values_list("entity__credit_level", flat=True):
        counts[level] = counts.get(level, 0) + 1
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ratio", "drawn"),
    [
        (None, {"A": 1, "B": 1, "C": 2, "D": 2}),  # each level at its own ratio
        ("0.5", {"A": 10, "B": 5, "C": 2, "D": 2}),  # the floor raises A and B
    ],
)
def test_draw_service_samples_per_credit_level(users, items, regions, graded_holders, ratio, drawn):
    the_draw = services.draw_create(
        actor=users["inspector1"],
        item=items[5],
        region=regions["尧都区"],
        ratio=ratio,
        seed="graded",
        drawn_on=D(2022, 9, 1),
    )
    assert _drawn_per_level(the_draw) == drawn
    assert the_draw.level_ratios == {"A": "0.050", "B": "0.100", "C": "0.300", "D": "1.000"}
    assert replay_draw(the_draw)


@pytest.mark.django_db
def test_changed_ratios_apply_to_new_draws_only(users, items, regions, graded_holders):
    from approvals.models import RiskLevel

    first = services.draw_create(
        actor=users["inspector1"], item=items[5], region=regions["尧都区"], seed="x", drawn_on=D(2022, 9, 1)
    )
    level = RiskLevel.objects.get(credit_level="A")
    level.ratio = Decimal("0.5")
    services.risk_level_save(actor=users["admin"], level=level)
    second = services.draw_create(
        actor=users["inspector1"], item=items[5], region=regions["尧都区"], seed="x", drawn_on=D(2022, 9, 1)
    )
    assert _drawn_per_level(first)["A"] == 1 and _drawn_per_level(second)["A"] == 10
    first.refresh_from_db()
    assert replay_draw(first)  # the stored ratios replay the first draw


@pytest.mark.django_db
def test_draw_page_without_a_ratio_shows_the_levels(client, users, items, regions, graded_holders):
    client.force_login(users["inspector1"])
    response = client.post(
        reverse("approvals:draw-create"),
        {"item": items[5].pk, "region": regions["尧都区"].pk, "seed": "page", "inspectors_per_entity": 1},
    )
    assert response.status_code == 302, response.content.decode()
    the_draw = InspectionDraw.objects.get(seed="page")
    assert the_draw.ratio is None
    page = client.get(response["Location"]).content.decode()
    assert "按信用等级抽查" in page and "30.00 %" in page


@pytest.mark.django_db
def test_draw_api_without_a_ratio(api, users, graded_holders):
    response = api.as_user(users["inspector1"]).post(
        "/api/v1/approvals/inspection-draws/",
        {"item": 5, "region": "尧都区", "seed": "api", "inspectors_per_entity": 1},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["ratio"] is None and response.data["level_ratios"]["D"] == "1.000"
    levels = dict(LicensedEntity.objects.values_list("pk", "credit_level"))
    assert sum(levels[row["entity"]] == "D" for row in response.data["drawn"]) == 2


# ---- the applicant's place through the page and the API ----------------------------------------------------


@pytest.mark.django_db
def test_case_page_takes_the_applicants_place(client, users, items, regions):
    client.force_login(users["city_approval"])
    data = {
        "item": items[17].pk,
        "applicant_name": "洪洞仁爱医院",
        "applicant_credit_code": make_code("141000", serial=501),
        "accepted_on": "2022-09-26",
        "location": regions["洪洞县"].pk,
    }
    response = client.post(reverse("approvals:case-create"), data)
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert "申请人所在地" in page and "洪洞县" in page
    client.force_login(users["yaodu_approval"])
    refused = client.post(
        reverse("approvals:case-create"),
        {**data, "item": items[5].pk, "region": regions["尧都区"].pk, "applicant_name": "别处"},
    )
    assert refused.status_code == 400 and "县级事项的申请人所在地即办理地" in refused.content.decode()
    assert 'value="别处"' in refused.content.decode()  # the input is kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "location"),
    [
        ({"item": 17, "location": "洪洞县"}, 201, "洪洞县"),
        ({"item": 18}, 201, "尧都区"),  # from the credit code's 141002
        ({"item": 17, "location": "市本级"}, 400, None),
    ],
)
def test_case_api_takes_the_applicants_place(api, users, items, body, status, location):
    response = api.as_user(users["city_approval"]).post(
        "/api/v1/approvals/cases/",
        {
            "applicant_name": "某医疗机构",
            "applicant_credit_code": make_code("141002", serial=601),
            "accepted_on": "2022-09-26",
            **body,
        },
        format="json",
    )
    assert response.status_code == status, response.data
    if status == 201:
        assert response.data["location"] == location
    else:
        assert [error["field"] for error in response.data["errors"]] == ["location"]


@pytest.mark.django_db
def test_deciding_through_the_api_reaches_the_supervisors(
    api, users, supervisors, new_case, regions, django_capture_on_commit_callbacks
):
    case = new_case(number=18, region=None, location=regions["尧都区"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(users["city_approval"]).post(
            f"/api/v1/approvals/cases/{case.pk}/decide/",
            {"decision": "approved", "decided_on": "2022-10-10"},
            format="json",
        )
    assert response.status_code == 200, response.data
    told = set(Notification.objects.filter(rule=RULE).values_list("recipient__username", flat=True))
    assert told == {"city_health", "yaodu_health"}
    rows = api.as_user(supervisors["yaodu_health"]).get("/api/v1/approvals/supervision/").data["results"]
    assert [row["case"] for row in rows] == [case.pk]


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_previous_release_migrate():
    """Existing rows get the applicant's place, the levels' credit levels, and decided 17/18 cases their lists."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from approvals.models import Case, Item, RiskLevel

    before = [("approvals", "0006_list_indexes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Region = old.get_model("linfen_admin", "Region")
        Department = old.get_model("linfen_admin", "Department")
        OldItem = old.get_model("approvals", "Item")
        OldCase = old.get_model("approvals", "Case")
        OldRisk = old.get_model("approvals", "RiskLevel")
        city = Region.objects.create(code="141000", name="市本级", kind="city", order=1)
        yaodu = Region.objects.create(code="141002", name="尧都区", kind="county", order=3)
        approval = Department.objects.create(code="ca", name="市审批局", kind="approval_service")
        county_approval = Department.objects.create(
            code="ya", name="尧都区审批局", kind="approval_service", region=yaodu
        )
        city_health = Department.objects.create(code="ch", name="市卫健委", kind="health")
        yaodu_health = Department.objects.create(code="yh", name="尧都区卫健局", kind="health", region=yaodu)
        Department.objects.create(code="hm", name="市市场监管局", kind="market")  # not named by item 18
        common = {"legal_basis": "—", "provincial_decision": "下放", "receiving_department": "审批局"}
        item18 = OldItem.objects.create(
            number=18,
            name="消毒产品",
            level="city",
            receiving_department_kind="approval_service",
            supervising_departments=["卫生健康部门"],
            **common,
        )
        item5 = OldItem.objects.create(
            number=5,
            name="农药经营许可",
            level="county",
            receiving_department_kind="approval_service",
            **common,
        )
        dates = {"accepted_on": D(2022, 9, 1), "statutory_due_on": D(2022, 9, 29), "due_on": D(2022, 9, 29)}
        decided = OldCase.objects.create(
            item=item18,
            region=city,
            department=approval,
            applicant_name="甲",
            applicant_credit_code=make_code("141002", serial=1),
            status="approved",
            decided_on=D(2022, 9, 10),
            **dates,
        )
        county_case = OldCase.objects.create(
            item=item5,
            region=yaodu,
            department=county_approval,
            applicant_name="乙",
            applicant_credit_code=make_code("141024", serial=2),
            **dates,
        )
        OldRisk.objects.create(code="low", name="低", ratio="0.050", order=1)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert Case.objects.get(pk=decided.pk).location_id == yaodu.pk  # from the credit code
        assert Case.objects.get(pk=county_case.pk).location_id == yaodu.pk  # where it is handled
        assert set(Supervision.objects.values_list("department_id", "region_id")) == {
            (city_health.pk, city.pk),
            (yaodu_health.pk, yaodu.pk),
        }
        assert RiskLevel.objects.get(code="low").credit_level == "A"
        assert Item.objects.get(number=18).supervision_levels == ["city", "county"]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "region", "location", "expected"),
    [
        (18, None, "洪洞县", "洪洞县"),  # a city-level holder: its county may be corrected
        (18, None, None, None),
        (5, "尧都区", None, "尧都区"),  # a county-level holder stays where its licence was granted
        (5, "尧都区", "洪洞县", ValidationError),
        (18, None, "市本级", ValidationError),
    ],
)
def test_holder_location_corrected(users, items, regions, number, region, location, expected):
    entity = services.entity_create(
        actor=users["admin"],
        item=items[number],
        region=regions[region] if region else None,
        name="某主体",
        credit_code=make_code("141002", serial=900),
        licensed_on=D(2022, 6, 1),
    )
    given = regions[location] if location else None
    if expected is ValidationError:
        with pytest.raises(ValidationError):
            services.entity_update(actor=users["admin"], entity=entity, location=given)
        return
    entity = services.entity_update(actor=users["admin"], entity=entity, location=given)
    assert (entity.location.name if entity.location else None) == expected


@pytest.mark.django_db
def test_supervision_lists_in_fixed_queries(client, api, users, decided, django_assert_max_num_queries):
    """The page and the API read the list in a fixed number of queries, however many rows (here 10)."""
    client.force_login(users["leader"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("approvals:supervision-list")).status_code == 200
    client_api = api.as_user(users["leader"])
    with django_assert_max_num_queries(6):
        assert client_api.get("/api/v1/approvals/supervision/").data["count"] == 10
