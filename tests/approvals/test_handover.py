"""The handover checklist of 临政发〔2022〕5 号 (正文: "做好…落实和承接工作 … 加大宣传力度 … 做好工作衔接"; the
product's "放得开、接得住、管得好"): 接收, 人员培训, 对外公示, 与省级工作衔接, 首件办结 — each with its date and who
confirmed it; complete only when all five are done."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from approvals import services
from approvals.models import HandoverChecklist
from approvals.selectors import coverage, coverage_totals
from linfen_admin.audit import history_for

D = datetime.date
TODAY = D(2022, 12, 1)
ALL_FOUR = {
    "received_on": D(2022, 5, 1),
    "staff_trained_on": D(2022, 5, 10),
    "publicized_on": D(2022, 5, 12),
    "coordinated_on": D(2022, 5, 20),
}


@pytest.fixture
def yaodu_item5(items):
    return HandoverChecklist.objects.get(item=items[5], department__code="141002-approval-service")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "first_case", "done", "complete"),
    [
        ({}, False, 0, False),
        ({"received_on": D(2022, 5, 1)}, False, 1, False),
        ({**ALL_FOUR}, False, 4, False),  # 首件办结 missing: not complete
        ({"received_on": D(2022, 5, 1)}, True, 2, False),
        ({k: v for k, v in ALL_FOUR.items() if k != "publicized_on"}, True, 4, False),  # 对外公示 missing
        ({k: v for k, v in ALL_FOUR.items() if k != "coordinated_on"}, True, 4, False),  # 工作衔接 missing
        ({**ALL_FOUR}, True, 5, True),
    ],
)
def test_complete_only_when_all_five_steps_are_done(
    users, new_case, yaodu_item5, given, first_case, done, complete
):
    officer = users["yaodu_approval"]
    if given:
        services.handover_update(actor=officer, checklist=yaodu_item5, today=TODAY, **given)
    if first_case:
        case = new_case()
        services.case_decide(actor=officer, case=case, decision="approved", decided_on=D(2022, 10, 20))
    checklist = HandoverChecklist.objects.get(pk=yaodu_item5.pk)
    assert (checklist.done_count, checklist.is_complete) == (done, complete)
    assert (
        HandoverChecklist.objects.filter(HandoverChecklist.complete_q(), pk=checklist.pk).exists() is complete
    )
    row = next(r for r in coverage()["per_item"] if r["item"].number == 5)
    assert row["complete"] == int(complete)
    # the cockpit's one line: the same counts over every item, in one query
    totals = coverage_totals()
    assert totals == {key: sum(r[key] for r in coverage()["per_item"]) for key in totals}
    assert totals["complete"] == int(complete) and totals["total"] == HandoverChecklist.objects.count()


@pytest.mark.django_db
def test_each_step_records_who_confirmed_it_and_clearing_withdraws(users, new_case, yaodu_item5, make_user):
    from linfen_admin.roles import Role

    officer = users["yaodu_approval"]
    colleague = make_user(
        "yaodu_approval2", Role.APPROVAL_OFFICER, region="尧都区", department="141002-approval-service"
    )
    services.handover_update(
        actor=officer, checklist=yaodu_item5, received_on=D(2022, 5, 1), staff_trained_on=D(2022, 5, 10)
    )
    services.handover_update(
        actor=colleague, checklist=yaodu_item5, publicized_on=D(2022, 5, 12), staff_trained_on=D(2022, 5, 10)
    )
    checklist = HandoverChecklist.objects.get(pk=yaodu_item5.pk)
    # an unchanged date keeps its confirmer; a new one is confirmed by whoever saved it
    assert (checklist.received_by, checklist.staff_trained_by, checklist.publicized_by) == (
        officer,
        officer,
        colleague,
    )
    case = new_case()
    services.case_decide(actor=officer, case=case, decision="denied", decided_on=D(2022, 10, 9))
    checklist.refresh_from_db()
    assert (checklist.first_case_on, checklist.first_case_by) == (D(2022, 10, 9), officer)
    services.handover_update(actor=colleague, checklist=checklist, received_on=None)
    checklist.refresh_from_db()
    assert (checklist.received_on, checklist.received_by) == (None, None)
    assert [s["key"] for s in checklist.steps if s["done"]] == ["trained", "publicized", "first_case"]
    comments = [e.comment for e in history_for(checklist)]
    assert comments[0] == "承接进度 3/5" and "首件办结自动填写" in comments


@pytest.mark.django_db
def test_a_step_dated_in_the_future_is_refused(users, yaodu_item5):
    with pytest.raises(ValidationError) as caught:
        services.handover_update(
            actor=users["yaodu_approval"], checklist=yaodu_item5, coordinated_on=D(2022, 12, 2), today=TODAY
        )
    assert list(caught.value.message_dict) == ["coordinated_on"]
    assert HandoverChecklist.objects.get(pk=yaodu_item5.pk).coordinated_on is None


@pytest.mark.django_db
def test_another_department_may_not_confirm(users, items):
    other = HandoverChecklist.objects.get(item=items[5], department__code="141024-approval-service")
    with pytest.raises(PermissionDenied):
        services.handover_update(actor=users["yaodu_approval"], checklist=other, publicized_on=D(2022, 5, 1))


@pytest.mark.django_db
def test_pages_show_the_checklist_with_progress(client, users, yaodu_item5, items):
    client.force_login(users["yaodu_approval"])
    url = reverse("approvals:handover-edit", args=[yaodu_item5.pk])
    response = client.post(
        url,
        {
            "received_on": "2022-05-01",
            "staff_trained_on": "2022-05-10",
            "publicized_on": "2022-05-12",
            "coordinated_on": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert 'max="5" value="3"' in html and "3/5" in html
    assert "与省级工作衔接" in html and "尧都区行政审批服务管理局" in html
    assert f"{users['yaodu_approval'].display_name} 确认" in html
    refused = client.post(url, {"received_on": "2099-01-01", "note": ""})
    assert refused.status_code == 400 and "不能晚于今天" in refused.content.decode()
    listing = client.get(reverse("approvals:handover")).content.decode()
    assert "已对外公示" in listing and "承接完成" in listing
    other = HandoverChecklist.objects.get(item=items[5], department__code="141024-approval-service")
    assert client.get(reverse("approvals:handover-edit", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_export_has_each_step_and_its_confirmer(client, users, yaodu_item5):
    import io

    from openpyxl import load_workbook

    services.handover_update(actor=users["yaodu_approval"], checklist=yaodu_item5, received_on=D(2022, 5, 1))
    client.force_login(users["yaodu_approval"])
    response = client.get(reverse("approvals:handover-export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:5] == ("已承接", "接收确认人", "人员已培训")
    mine = next(r for r in rows[1:] if r[0].startswith("5.") and r[1] == "尧都区行政审批服务管理局")
    assert mine[3] == users["yaodu_approval"].display_name and mine[-2] == "1/5"


@pytest.mark.django_db(transaction=True)
def test_a_handover_of_the_previous_release_migrates_with_its_dates():
    executor = MigrationExecutor(connection)
    executor.migrate([("approvals", "0002_work_calendar")])
    try:
        old = MigrationExecutor(connection).loader.project_state([("approvals", "0002_work_calendar")]).apps
        Region = old.get_model("linfen_admin", "Region")
        Department = old.get_model("linfen_admin", "Department")
        Item = old.get_model("approvals", "Item")
        Checklist = old.get_model("approvals", "HandoverChecklist")
        region = Region.objects.create(code="141002", name="尧都区", kind="county", order=3)
        dept = Department.objects.create(
            code="x-approval", name="审批局", kind="approval_service", region=region
        )
        item = Item.objects.create(
            number=5,
            name="农药经营许可",
            legal_basis="—",
            provincial_decision="下放至县级",
            level="county",
            receiving_department="县级",
            receiving_department_kind="approval_service",
        )
        old_row = Checklist.objects.create(
            item=item, department=dept, received_on=D(2022, 5, 1), first_case_on=D(2022, 6, 1)
        )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        row = HandoverChecklist.objects.get(pk=old_row.pk)
        assert (row.received_on, row.first_case_on, row.received_by, row.publicized_on) == (
            D(2022, 5, 1),
            D(2022, 6, 1),
            None,
            None,
        )
        assert row.done_count == 2 and not row.is_complete
        assert row.steps[0]["by"] is None  # shown as "确认人未记录"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
