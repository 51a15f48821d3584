import datetime

import pytest

from approvals.models import Case

from .conftest import make_code

D = datetime.date
CASES = "/api/v1/approvals/cases/"


@pytest.mark.django_db
def test_items_list(api, users, items):
    response = api.as_user(users["yaodu_land"]).get("/api/v1/approvals/items/")
    assert response.status_code == 200
    assert response.data["count"] == 19
    first = response.data["results"][0]
    assert {
        "number",
        "name",
        "level",
        "receiving_department",
        "legal_basis",
        "supervision_measures",
        "remarks",
    } <= set(first)
    assert (
        first["number"] == 1
        and first["level"] == "city"
        and first["receiving_department"] == "市行政审批服务管理局"
    )
    detail = api.get("/api/v1/approvals/items/16/").data
    assert detail["receiving_department"] == "市卫健委" and isinstance(detail["supervision_measures"], list)


@pytest.mark.django_db
def test_case_create_returns_due_on(api, users, items):
    body = {
        "item": 5,
        "region": "尧都区",
        "applicant_name": "尧都区丰收农资经营部",
        "applicant_credit_code": make_code(serial=1),
        "accepted_on": "2022-09-26",
    }
    response = api.as_user(users["yaodu_approval"]).post(CASES, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["due_on"] == "2022-10-27"
    assert response.data["department_code"] == "141002-approval-service"


@pytest.mark.django_db
def test_city_item_with_empty_region(api, users, items):
    body = {
        "item": 1,
        "applicant_name": "临汾国旅",
        "applicant_credit_code": make_code("141000", 2),
        "accepted_on": "2022-04-22",
    }
    response = api.as_user(users["city_approval"]).post(CASES, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["region"] == "市本级" and response.data["due_on"] == "2022-05-23"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "item", "region"),
    [
        ("hongdong_approval", 5, "尧都区"),  # another county
        ("city_approval", 5, "尧都区"),  # the city bureau does not handle county items
        ("yaodu_approval", 7, "尧都区"),  # 7 goes to the county agriculture bureau
        ("city_approval", 16, None),  # 16 goes to 市卫健委
    ],
)
def test_create_outside_own_department_is_403_with_reason(api, users, items, user, item, region):
    body = {
        "item": item,
        "region": region,
        "applicant_name": "某公司",
        "applicant_credit_code": make_code(),
        "accepted_on": "2022-09-26",
    }
    response = api.as_user(users[user]).post(CASES, body, format="json")
    assert response.status_code == 403
    assert "承办" in response.data["detail"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_leader_may_not_create(api, users, items):
    body = {
        "item": 5,
        "region": "尧都区",
        "applicant_name": "某",
        "applicant_credit_code": make_code(),
        "accepted_on": "2022-09-26",
    }
    assert api.as_user(users["leader"]).post(CASES, body, format="json").status_code == 403


@pytest.mark.django_db
def test_bad_credit_code_and_unknown_year_are_400_in_chinese(api, users, items):
    client = api.as_user(users["yaodu_approval"])
    body = {
        "item": 5,
        "region": "尧都区",
        "applicant_name": "某",
        "applicant_credit_code": "91350200776049653B",
        "accepted_on": "2022-09-26",
    }
    response = client.post(CASES, body, format="json")
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "applicant_credit_code"
    body.update(applicant_credit_code=make_code(), accepted_on="2027-01-05")
    response = client.post(CASES, body, format="json")
    assert response.status_code == 400
    assert "2027" in str(response.data)


@pytest.mark.django_db
def test_scoping_other_department_or_region_is_404(api, users, new_case, make_user):
    from linfen_admin.roles import Role

    yaodu_case = new_case()
    city_case = new_case(number=1, region=None)
    transport = make_user("city_transport", Role.APPROVAL_OFFICER, department="city-transport")
    assert api.as_user(users["hongdong_approval"]).get(f"{CASES}{yaodu_case.pk}/").status_code == 404
    assert api.as_user(users["city_approval"]).get(f"{CASES}{yaodu_case.pk}/").status_code == 404
    assert api.as_user(transport).get(f"{CASES}{city_case.pk}/").status_code == 404
    assert api.as_user(users["yaodu_approval"]).get(f"{CASES}{city_case.pk}/").status_code == 404
    assert (
        api.as_user(users["hongdong_approval"])
        .post(
            f"{CASES}{yaodu_case.pk}/decide/",
            {"decision": "approved", "decided_on": "2022-10-10"},
            format="json",
        )
        .status_code
        == 404
    )
    assert api.as_user(users["yaodu_approval"]).get(f"{CASES}{yaodu_case.pk}/").status_code == 200
    assert api.as_user(users["hongdong_approval"]).get(CASES).data["count"] == 0
    assert api.as_user(users["leader"]).get(CASES).data["count"] == 2
    assert api.as_user(users["yaodu_approval"]).get(CASES).data["count"] == 1


@pytest.mark.django_db
def test_decide_and_extend(api, users, new_case):
    case = new_case(accepted_on=D(2022, 9, 26))
    client = api.as_user(users["yaodu_approval"])
    response = client.post(f"{CASES}{case.pk}/extend/", {"reason": "需要专家评审"}, format="json")
    assert response.status_code == 200 and response.data["due_on"] == "2022-11-10"
    again = client.post(f"{CASES}{case.pk}/extend/", {"reason": "再延"}, format="json")
    assert again.status_code == 409 and "延期" in again.data["detail"]
    bad = client.post(
        f"{CASES}{case.pk}/decide/", {"decision": "maybe", "decided_on": "2022-11-01"}, format="json"
    )
    assert bad.status_code == 400
    done = client.post(
        f"{CASES}{case.pk}/decide/", {"decision": "approved", "decided_on": "2022-11-11"}, format="json"
    )
    assert done.status_code == 200 and done.data["status"] == "approved" and done.data["decided_late"] is True
    assert (
        client.post(
            f"{CASES}{case.pk}/decide/", {"decision": "denied", "decided_on": "2022-11-11"}, format="json"
        ).status_code
        == 409
    )


@pytest.mark.django_db
def test_leader_reads_but_cannot_decide(api, users, new_case):
    case = new_case()
    client = api.as_user(users["leader"])
    assert client.get(f"{CASES}{case.pk}/").status_code == 200
    response = client.post(
        f"{CASES}{case.pk}/decide/", {"decision": "approved", "decided_on": "2022-10-10"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_case_filters(api, users, new_case):
    new_case(applicant_name="山西绿禾农药有限公司", accepted_on=D(2022, 9, 26))
    other = new_case(number=8, applicant_name="金蚕蚕种场", accepted_on=D(2022, 9, 26))
    client = api.as_user(users["yaodu_approval"])
    assert client.get(CASES, {"item": 8}).data["count"] == 1
    assert client.get(CASES, {"q": "绿禾"}).data["count"] == 1
    assert client.get(CASES, {"status": "pending"}).data["count"] == 2
    assert client.get(CASES, {"due": "overdue"}).data["count"] == 2  # due 2022-10-27, long past
    assert client.get(CASES, {"region": "尧都区"}).data["count"] == 2
    assert other.pk in [row["id"] for row in client.get(CASES, {"item": 8}).data["results"]]


@pytest.mark.django_db
def test_inspection_draw_api(api, users, items, regions):
    from approvals import services

    for i in range(6):
        services.entity_create(
            actor=users["admin"],
            item=items[5],
            region=regions["尧都区"],
            name=f"店{i}",
            credit_code=make_code(serial=50 + i),
            licensed_on=D(2022, 6, 1),
        )
    from django.contrib.auth.models import Group

    from linfen_admin.models import User
    from linfen_admin.roles import GROUP_NAMES, Role

    extra = User.objects.create_user("insp_health", password="x" * 12, department_id=None)
    extra.department = users["inspector1"].department.__class__.objects.get(code="city-health")
    extra.save()
    extra.groups.add(Group.objects.get(name=GROUP_NAMES[Role.INSPECTOR]))
    client = api.as_user(users["inspector1"])
    response = client.post(
        "/api/v1/approvals/inspection-draws/",
        {"item": 5, "region": "尧都区", "ratio": "0.5", "seed": "abc"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["seed"] == "abc" and len(response.data["drawn"]) == 3
    assert all(len(row["inspectors"]) == 2 for row in response.data["drawn"])
    no_seed = client.post(
        "/api/v1/approvals/inspection-draws/", {"item": 5, "region": "尧都区", "ratio": "0.5"}, format="json"
    )
    assert no_seed.status_code == 201 and len(no_seed.data["seed"]) == 32
    too_big = client.post(
        "/api/v1/approvals/inspection-draws/", {"item": 5, "region": "尧都区", "ratio": "1.5"}, format="json"
    )
    assert too_big.status_code == 400
    assert (
        api.as_user(users["yaodu_approval"])
        .post(
            "/api/v1/approvals/inspection-draws/",
            {"item": 5, "region": "尧都区", "ratio": "0.5"},
            format="json",
        )
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_case_list_query_count(api, users, new_case, django_assert_max_num_queries):
    for _ in range(15):
        new_case()
    client = api.as_user(users["yaodu_approval"])
    with django_assert_max_num_queries(8):
        response = client.get(CASES)
    assert response.data["count"] == 15


@pytest.mark.django_db
def test_schema_has_no_warnings_for_approvals(capsys):
    """Other modules' warnings are theirs; none may come from an approvals view or serializer."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--file", "/dev/null")
    err = capsys.readouterr().err
    mine = ("ItemViewSet", "CaseViewSet", "InspectionDrawViewSet", "DrawnEntityViewSet", "approvals")
    offending = [line for line in err.splitlines() if any(name in line for name in mine)]
    assert offending == []
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/approvals/cases/{id}/decide/" in paths
    assert "/api/v1/approvals/inspection-draws/" in paths
