import datetime

import pytest
from django.urls import reverse

from approvals import services
from linfen_admin.roles import Role

from .conftest import make_code

D = datetime.date


@pytest.fixture
def published(items, regions, users, make_user):
    """A draw over organisations and one natural person, with a result recorded."""
    org = services.entity_create(
        actor=users["admin"],
        item=items[5],
        region=regions["尧都区"],
        name="山西绿禾农药有限公司",
        credit_code=make_code(serial=11),
        licensed_on=D(2022, 6, 1),
    )
    person = services.entity_create(
        actor=users["admin"],
        item=items[5],
        region=regions["尧都区"],
        name="王建国",
        credit_code=make_code(serial=12, category="92"),
        holder_kind="individual",
        licensed_on=D(2022, 6, 1),
    )
    services.blacklist_add(actor=users["admin"], entity=person, reason="虚假宣传", listed_on=D(2022, 7, 1))
    inspector_a = make_user("insp_a", Role.INSPECTOR, department="city-health", full_name="钱芳芳")
    users["inspector1"].full_name = "韩磊"
    users["inspector1"].save()
    the_draw = services.draw_create(
        actor=users["inspector1"],
        item=items[5],
        region=regions["尧都区"],
        ratio="1",
        seed="公开",
        drawn_on=D(2022, 9, 1),
    )
    row = the_draw.drawn.get(entity=person)
    services.result_record(
        actor=row.inspectors.first(), drawn=row, result="rectify", checked_on=D(2022, 9, 9)
    )
    return {"draw": the_draw, "org": org, "person": person, "inspectors": [users["inspector1"], inspector_a]}


@pytest.mark.django_db
def test_public_page_needs_no_login_and_shows_nothing_private(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get(reverse("approvals:public-draws"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "山西绿禾农药有限公司" in html and published["org"].credit_code in html  # organisations are public
    assert published["person"].credit_code not in html  # a natural person's code is not
    assert "王建国" not in html and "王**" in html  # nor the full name
    assert "发现问题已责令整改" in html and "失信主体" in html
    assert "市卫生健康委员会" in html or "市市场监督管理局" in html  # inspectors by department only
    for inspector in published["inspectors"]:
        assert inspector.username not in html
        assert inspector.full_name and inspector.full_name not in html
    assert "虚假宣传" not in html  # the blacklisting reason stays internal


@pytest.mark.django_db
def test_public_page_query_count_does_not_grow(
    client, published, items, regions, users, django_assert_max_num_queries
):
    for i in range(4):
        services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="1",
            seed=f"more{i}",
            drawn_on=D(2022, 9, 2),
        )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("approvals:public-draws")).status_code == 200


@pytest.mark.django_db
def test_catalogue_pages(client, users, items):
    client.force_login(users["yaodu_land"])
    html = client.get(reverse("approvals:item-list")).content.decode()
    assert html.count("approvals/items/") >= 19 and "市卫健委" in html
    detail = client.get(reverse("approvals:item-detail", args=[17])).content.decode()
    assert "加强事中事后监管措施" in detail and "医疗广告审查证明" in detail


@pytest.mark.django_db
def test_case_list_filters_and_query_count(client, users, new_case, django_assert_max_num_queries):
    for i in range(12):
        new_case(applicant_name=f"农资店{i}")
    new_case(number=8, applicant_name="金蚕蚕种场")
    client.force_login(users["yaodu_approval"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("approvals:case-list"))
    assert response.status_code == 200 and "金蚕蚕种场" in response.content.decode()
    html = client.get(reverse("approvals:case-list"), {"q": "金蚕"}).content.decode()
    assert "金蚕蚕种场" in html and "农资店1" not in html
    assert "已超期" in html


@pytest.mark.django_db
def test_case_pages_are_scoped(client, users, new_case):
    case = new_case()
    client.force_login(users["hongdong_approval"])
    assert client.get(reverse("approvals:case-detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("approvals:case-extend", args=[case.pk]), {"reason": "x"}).status_code == 404
    client.force_login(users["leader"])
    page = client.get(reverse("approvals:case-detail", args=[case.pk])).content.decode()
    assert case.applicant_name in page and "作出决定" not in page


@pytest.mark.django_db
def test_case_create_decide_extend_through_pages(client, users, items, regions):
    client.force_login(users["yaodu_approval"])
    response = client.post(
        reverse("approvals:case-create"),
        {
            "item": items[5].pk,
            "region": regions["尧都区"].pk,
            "applicant_name": "尧都区惠农农资有限公司",
            "applicant_credit_code": make_code(serial=77),
            "accepted_on": "2022-09-26",
        },
    )
    assert response.status_code == 302
    from approvals.models import Case

    case = Case.objects.get()
    assert case.due_on == D(2022, 10, 27)
    client.post(reverse("approvals:case-extend", args=[case.pk]), {"reason": "需补正材料"})
    client.post(reverse("approvals:case-extend", args=[case.pk]), {"reason": "第二次"})
    case.refresh_from_db()
    assert case.due_on == D(2022, 11, 10) and case.extension_reason == "需补正材料"
    client.post(
        reverse("approvals:case-decide", args=[case.pk]), {"decision": "approved", "decided_on": "2022-11-01"}
    )
    case.refresh_from_db()
    assert case.status == "approved"
    page = client.get(reverse("approvals:case-detail", args=[case.pk])).content.decode()
    assert "需补正材料" in page and "流转" in page  # audit trail shown


@pytest.mark.django_db
def test_case_create_page_refuses_other_department(client, users, items, regions):
    client.force_login(users["yaodu_approval"])
    response = client.post(
        reverse("approvals:case-create"),
        {
            "item": items[7].pk,
            "region": regions["尧都区"].pk,
            "applicant_name": "某养殖场",
            "applicant_credit_code": make_code(serial=78),
            "accepted_on": "2022-09-26",
        },
    )
    assert response.status_code == 400  # refused, with the reason on the form
    assert "尧都区农业农村局" in response.content.decode()


@pytest.mark.django_db
def test_due_page(client, users, new_case, regions):
    import time_machine

    due_soon = new_case(accepted_on=D(2022, 9, 26))  # due 2022-10-27
    late = new_case(accepted_on=D(2022, 9, 1))  # due 2022-09-30
    with time_machine.travel(datetime.datetime(2022, 10, 24, 9, 0)):
        client.force_login(users["yaodu_approval"])
        response = client.get(reverse("approvals:case-due"))
    assert [c.pk for c in response.context["due_soon"]] == [due_soon.pk]  # 10/24 + 3 working days = 10/27
    assert [c.pk for c in response.context["overdue"]] == [late.pk]


@pytest.mark.django_db
def test_draw_pages_and_handover(client, users, published, django_assert_max_num_queries):
    client.force_login(users["inspector1"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("approvals:draw-list")).status_code == 200
    detail = client.get(reverse("approvals:draw-detail", args=[published["draw"].pk]))
    assert detail.context["replays"] is True
    client.force_login(users["leader"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("approvals:handover"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_handover_coverage_counts(users, new_case, items):
    from approvals.models import HandoverChecklist
    from approvals.selectors import coverage

    case = new_case()
    services.case_decide(
        actor=users["yaodu_approval"], case=case, decision="denied", decided_on=D(2022, 10, 9)
    )
    checklist = HandoverChecklist.objects.get(item=items[5], department__code="141002-approval-service")
    services.handover_update(
        actor=users["yaodu_approval"],
        checklist=checklist,
        received_on=D(2022, 5, 1),
        staff_trained_on=D(2022, 5, 10),
    )
    data = coverage()
    row = next(r for r in data["per_item"] if r["item"].number == 5)
    assert (row["total"], row["received"], row["trained"], row["handled"]) == (18, 1, 1, 1)
    yaodu = next(r for r in data["per_region"] if r["region"].name == "尧都区")
    assert (yaodu["total"], yaodu["handled"]) == (11, 1)
    city = next(r for r in data["per_region"] if r["region"].name == "市本级")
    assert city["total"] == 8
    other = HandoverChecklist.objects.get(item=items[5], department__code="141024-approval-service")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.handover_update(
            actor=users["yaodu_approval"], checklist=other, received_on=D(2022, 5, 1), staff_trained_on=None
        )


@pytest.mark.django_db
def test_admin_lists_are_scoped(client, users, new_case, make_user):
    yaodu = new_case()
    staff = make_user(
        "hongdong_staff",
        Role.APPROVAL_OFFICER,
        region="洪洞县",
        department="141024-approval-service",
        is_staff=True,
    )
    client.force_login(staff)
    assert client.get(f"/admin/approvals/case/{yaodu.pk}/change/").status_code in (302, 404)
    listing = client.get("/admin/approvals/case/")
    assert listing.status_code == 200 and yaodu.applicant_name not in listing.content.decode()
    client.force_login(users["admin"])
    assert yaodu.applicant_name in client.get("/admin/approvals/case/").content.decode()
