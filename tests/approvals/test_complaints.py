"""投诉举报 per item and region: received, assigned to the supervising department the item's 备注 names (临政发
〔2022〕5 号 附件 第 17 项 备注 "监管部门包括市、县级市场监督管理部门和卫生健康部门", 第 18 项 "市、县级卫生健康部门"),
a time limit (15 working days by default, changeable when received; the limit within which market regulation
checks a lead, 《市场监督管理行政处罚程序规定》第十八条), the result; reminders before and after the
due date; scoped like cases."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals import reminders, services
from approvals.models import Complaint
from approvals.selectors import complaint_departments
from linfen_admin.audit import history_for
from linfen_admin.models import Department
from linfen_admin.registry import registry
from linfen_admin.roles import Role

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "region", "codes"),
    [
        (17, "尧都区", {"city-market", "city-health", "141002-market", "141002-health"}),  # 市、县级 两部门
        (17, "市本级", {"city-market", "city-health"}),
        (18, "尧都区", {"city-health", "141002-health"}),  # 市、县级卫生健康部门
        (5, "尧都区", {"141002-approval-service"}),  # no supervisor named: the receiving department
        (1, "洪洞县", {"city-approval-service"}),  # a city-level item: the city receiving department
    ],
)
def test_who_a_complaint_may_be_assigned_to(items, regions, number, region, codes):
    assert {d.code for d in complaint_departments(items[number], regions[region])} == codes


@pytest.fixture
def complaint(items, regions, users):
    def make(number=17, region="尧都区", department="141002-market", actor="inspector1", **extra):
        args = {
            "received_on": D(2022, 9, 26),
            "source": "hotline",
            "content": "某医院发布未经审查的医疗广告",
            **extra,
        }
        return services.complaint_create(
            actor=users[actor] if isinstance(actor, str) else actor,
            item=items[number],
            region=regions[region],
            department=Department.objects.get(code=department),
            **args,
        )

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received_on", "limit_days", "due_on"),
    [
        (D(2022, 9, 26), None, D(2022, 10, 20)),  # 15 working days: 9/27–30, 10/8*, 10/9*, 10/10–14, 10/17–20
        (D(2022, 9, 26), 5, D(2022, 10, 8)),  # a shorter limit, stored per complaint
        (D(2022, 6, 1), None, D(2022, 6, 23)),  # 6/3 端午 off
    ],
)
def test_time_limit_in_working_days(complaint, received_on, limit_days, due_on):
    made = complaint(received_on=received_on, limit_days=limit_days)
    assert made.due_on == due_on and made.limit_days == (limit_days or 15)
    assert made.receiving_department.code == "city-approval-service"
    assert history_for(made)[0].action == "create"


@pytest.mark.django_db
def test_assignment_outside_the_supervisors_is_refused(complaint):
    with pytest.raises(ValidationError) as caught:
        complaint(number=18, department="141002-market")  # item 18: health only
    assert "卫生健康局" in caught.value.message_dict["department"][0]
    with pytest.raises(PermissionDenied):  # a county user files only in its own county
        complaint(region="洪洞县", department="141024-market", actor="yaodu_approval")


@pytest.mark.django_db
def test_handling_by_the_assigned_department_only(complaint, users, make_user):
    made = complaint()
    yaodu_market = make_user("yaodu_inspector", Role.INSPECTOR, region="尧都区", department="141002-market")
    for who in (users["inspector1"], users["yaodu_approval"], users["leader"]):
        with pytest.raises(PermissionDenied):
            services.complaint_handle(actor=who, complaint=made, result="查处", handled_on=D(2022, 10, 20))
    with pytest.raises(ValidationError):
        services.complaint_handle(actor=yaodu_market, complaint=made, result=" ", handled_on=D(2022, 10, 20))
    done = services.complaint_handle(
        actor=yaodu_market, complaint=made, result="已立案查处", handled_on=D(2022, 10, 25)
    )
    assert done.status == "handled" and done.handled_late and done.handled_by == yaodu_market
    assert history_for(done)[0].comment == "办结(超期办结)"
    with pytest.raises(services.ComplaintConflict):
        services.complaint_handle(
            actor=yaodu_market, complaint=done, result="再次", handled_on=D(2022, 10, 26)
        )


@pytest.mark.django_db
def test_reminders_before_and_after_the_due_date(complaint, users, make_user):
    assert {"approvals.complaint_due_soon", "approvals.complaint_overdue"} <= {
        rule.code for rule in registry.reminder_rules
    }
    yaodu_market = make_user("yaodu_inspector", Role.INSPECTOR, region="尧都区", department="141002-market")
    made = complaint()  # due 2022-10-20 (Thu)
    assert list(reminders.collect_complaint_due_soon(D(2022, 10, 14))) == []  # Fri: horizon 10/19
    [soon] = list(reminders.collect_complaint_due_soon(D(2022, 10, 17)))  # Mon: horizon 10/20
    assert soon.obj == made and soon.period == "due:2022-10-20" and soon.recipients == [yaodu_market]
    assert list(reminders.collect_complaint_overdue(D(2022, 10, 20))) == []  # the due date is still in time
    [late] = list(reminders.collect_complaint_overdue(D(2022, 10, 21)))
    assert late.period == "overdue:2022-10-20" and late.url.endswith(f"/complaints/{made.pk}/")
    services.complaint_handle(actor=yaodu_market, complaint=made, result="已处理", handled_on=D(2022, 10, 25))
    assert list(reminders.collect_complaint_overdue(D(2022, 10, 26))) == []


@pytest.mark.django_db
def test_pages_scope_filter_count_and_handle(client, complaint, users, make_user):
    mine = complaint()
    other = complaint(region="洪洞县", department="141024-market", content="洪洞县的投诉")
    complaint(number=5, department="141002-approval-service", content="农药经营")
    yaodu_market = make_user("yaodu_inspector", Role.INSPECTOR, region="尧都区", department="141002-market")
    client.force_login(yaodu_market)
    response = client.get(reverse("approvals:complaint-list"))
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"]] == [mine.pk]  # its department's, in its region
    assert response.context["counts"]["total"] == 1
    assert client.get(reverse("approvals:complaint-detail", args=[other.pk])).status_code == 404
    client.force_login(users["leader"])
    response = client.get(reverse("approvals:complaint-list"), {"region": "洪洞县", "ordering": "-due"})
    assert [c.pk for c in response.context["page"]] == [other.pk]
    assert "共 1 件" in response.content.decode()
    assert client.get(reverse("approvals:complaint-list"), {"item": "99"}).status_code == 200
    client.force_login(yaodu_market)
    url = reverse("approvals:complaint-handle", args=[mine.pk])
    refused = client.post(url, {"result": "", "handled_on": "2022-10-20"})
    assert refused.status_code == 400 and "id_result_error" in refused.content.decode()
    assert client.post(url, {"result": "已责令改正", "handled_on": "2022-10-20"}).status_code == 302
    html = client.get(reverse("approvals:complaint-detail", args=[mine.pk])).content.decode()
    assert "已责令改正" in html and "已办结" in html
    assert (
        client.post(
            reverse("approvals:complaint-handle", args=[other.pk]),
            {"result": "x", "handled_on": "2022-10-20"},
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_registering_through_the_page(client, users, items):
    client.force_login(users["yaodu_approval"])
    url = reverse("approvals:complaint-create")
    data = {
        "item": str(items[18].pk),
        "region": str(users["yaodu_approval"].region_id),
        "department": str(Department.objects.get(code="141002-market").pk),
        "received_on": "2022-09-26",
        "source": "letter",
        "content": "消毒产品生产企业不符合许可条件",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "id_department_error" in refused.content.decode()
    data["department"] = str(Department.objects.get(code="141002-health").pk)
    assert client.post(url, data).status_code == 302
    made = Complaint.objects.get()
    assert (made.department.code, made.due_on, made.complainant) == ("141002-health", D(2022, 10, 20), "")
