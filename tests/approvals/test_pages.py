"""The approvals pages for every day: deadlines in working days, forms that guide and keep their input, sortable
lists with counts and an xlsx export of the same scoped list, wrong query parameters shown as form errors."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from approvals import services
from approvals.models import Item

from .conftest import make_code

D = datetime.date
# 2022-10-27 (Thu) is the due date of a case accepted on 2022-09-26 (20 working days, National Day skipped).
ON_28_OCT = datetime.datetime(2022, 10, 28, 9, 0)


def _travel(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, 0), tick=False)


@pytest.fixture
def mixed_cases(new_case, users):
    """On 2022-10-27: one due in 3 working days, one due today, one 2 working days late, one decided on time."""
    cases = {
        "remaining": new_case(accepted_on=D(2022, 9, 29), applicant_name="三天后到期"),  # due 11/01 (Tue)
        "today": new_case(accepted_on=D(2022, 9, 26), applicant_name="今天到期者"),  # due 10/27
        "overdue": new_case(accepted_on=D(2022, 9, 22), applicant_name="已超期者"),  # due 10/25 (Tue)
        "decided": new_case(accepted_on=D(2022, 9, 22), applicant_name="按期办结者"),
    }
    services.case_decide(
        actor=users["yaodu_approval"], case=cases["decided"], decision="approved", decided_on=D(2022, 10, 20)
    )
    return cases


def _row(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_case_list_shows_the_working_days_left(client, users, mixed_cases):
    assert mixed_cases["remaining"].due_on == D(2022, 11, 1)
    assert mixed_cases["overdue"].due_on == D(2022, 10, 25)
    client.force_login(users["yaodu_approval"])
    with _travel(D(2022, 10, 27)):
        html = client.get(reverse("approvals:case-list")).content.decode()
    assert '<span class="deadline open">剩余 3 个工作日</span>' in _row(
        html, "三天后到期"
    )  # 10/28, 10/31, 11/1
    assert '<span class="deadline warn">今天到期</span>' in _row(html, "今天到期者")
    assert '<span class="deadline bad">已超期 2 个工作日</span>' in _row(html, "已超期者")  # 10/26, 10/27
    decided = _row(html, "按期办结者")
    assert "准予许可" in decided and '<span class="deadline ok">按期办结</span>' in decided
    assert "<th>期限情况</th>" in html


@pytest.mark.django_db
def test_case_detail_shows_the_deadline_and_a_late_decision(client, users, mixed_cases):
    client.force_login(users["yaodu_approval"])
    with _travel(D(2022, 10, 27)):
        page = client.get(reverse("approvals:case-detail", args=[mixed_cases["overdue"].pk])).content.decode()
    assert page.count("已超期 2 个工作日") == 2 and 'class="deadline bad"' in page
    assert 'name="decided_on" value="2022-10-27"' in page  # today, as the date input reads it
    services.case_decide(
        actor=users["yaodu_approval"],
        case=mixed_cases["overdue"],
        decision="denied",
        decided_on=D(2022, 10, 31),
    )
    page = client.get(reverse("approvals:case-detail", args=[mixed_cases["overdue"].pk])).content.decode()
    assert "超期 4 个工作日办结" in page and "不予许可" in page  # 10/26, 10/27, 10/28, 10/31


@pytest.mark.django_db
def test_case_list_query_count_does_not_grow_with_the_rows(client, users, new_case):
    client.force_login(users["yaodu_approval"])
    url = reverse("approvals:case-list")
    new_case()
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        new_case(accepted_on=D(2022, 9, 1) + datetime.timedelta(days=i), applicant_name=f"农资店{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"ordering": "-due"})
    assert "农资店14" in response.content.decode()
    assert len(many) == len(few)


@pytest.mark.django_db
def test_due_page_shows_the_deadlines_too(client, users, mixed_cases):
    client.force_login(users["yaodu_approval"])
    with _travel(D(2022, 10, 27)):
        html = client.get(reverse("approvals:case-due")).content.decode()
    assert "今天到期" in html and "已超期 2 个工作日" in html and "剩余 3 个工作日" in html
    assert reverse("approvals:case-export") + "?due=overdue" in html


@pytest.mark.django_db
def test_case_list_sorts_counts_and_says_all(client, users, mixed_cases):
    client.force_login(users["yaodu_approval"])
    html = client.get(reverse("approvals:case-list"), {"ordering": "applicant"}).content.decode()
    names = sorted(case.applicant_name for case in mixed_cases.values())
    assert [html.index(name) for name in names] == sorted(html.index(name) for name in names)
    assert 'aria-sort="ascending"' in html and "?ordering=-applicant" in html
    assert "共 4 条" in html and reverse("approvals:case-export") + "?ordering=applicant" in html
    assert "---------" not in html and ">全部</option>" in html
    assert '<input type="hidden" name="ordering" value="applicant">' in html  # the filters keep the order


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "closed"}, "选择一个有效的选项"),
        ({"item": "999"}, "选择一个有效的选项"),
        ({"item": "abc"}, "选择一个有效的选项"),
        ({"department": "abc"}, "选择一个有效的选项"),
        ({"region": "火星"}, "选择一个有效的选项"),
        ({"region": "尧都\x00区"}, "选择一个有效的选项"),
        ({"due": "someday"}, "选择一个有效的选项"),
        ({"q": "金\x00蚕"}, "空字符"),
    ],
)
def test_wrong_filters_are_errors_on_the_page(client, users, mixed_cases, query, message):
    client.force_login(users["yaodu_approval"])
    response = client.get(reverse("approvals:case-list"), {**query, "ordering": "password", "page": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and '<label class="has-error">' in html
    assert message in html


@pytest.mark.django_db
def test_due_soon_filter_past_the_known_calendar_is_an_error_beside_it(client, users, mixed_cases):
    with _travel(D(2027, 6, 1)):  # 2027 is not known to the package, and nobody entered it
        client.force_login(users["yaodu_approval"])
        response = client.get(reverse("approvals:case-list"), {"due": "due_soon"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "尚无 2027 年的国务院节假日安排" in html and '<label class="has-error">' in html
        html = client.get(reverse("approvals:case-list")).content.decode()
    assert "暂无办件" in response.content.decode()  # nothing is guessed
    assert '<span class="deadline bad">已超期</span>' in _row(html, "已超期者")  # no count past the calendar


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("approvals:draw-list", {"ordering": "'; drop", "page": "-3"}),
        ("approvals:handover", {"ordering": "department__password", "page": "zz"}),
        ("approvals:item-list", {"ordering": "-", "page": "999"}),
        ("approvals:case-due", {"ordering": "nope"}),
        ("approvals:draw-export", {"ordering": "x"}),
        ("approvals:case-export", {"status": "nope", "item": "x"}),
    ],
)
def test_other_lists_ignore_wrong_parameters(client, users, name, query):
    client.force_login(users["admin"])
    assert client.get(reverse(name), query).status_code == 200


@pytest.fixture
def second_inspector(make_user):
    from linfen_admin.roles import Role

    return make_user("insp_a", Role.INSPECTOR, department="city-health", full_name="钱芳芳")


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_case_export_is_the_same_filtered_scoped_list(client, users, new_case, mixed_cases):
    hongdong = new_case(region="洪洞县", actor="hongdong_approval", applicant_name="洪洞县的申请人")
    client.force_login(users["yaodu_approval"])
    with _travel(D(2022, 10, 27)):
        rows = _sheet(client.get(reverse("approvals:case-export")))
        assert rows[0][:4] == ["审批事项", "区域", "承办部门", "申请人"] and rows[0][-1] == "期限情况"
        names = {row[3] for row in rows[1:]}
        assert names == {case.applicant_name for case in mixed_cases.values()}
        assert hongdong.applicant_name not in names  # another region's case, never
        overdue = _sheet(client.get(reverse("approvals:case-export"), {"due": "overdue"}))
    assert [row[3] for row in overdue[1:]] == ["已超期者"] and overdue[1][-1] == "已超期 2 个工作日"
    client.force_login(users["hongdong_approval"])
    assert [row[3] for row in _sheet(client.get(reverse("approvals:case-export")))[1:]] == ["洪洞县的申请人"]
    client.force_login(users["yaodu_land"])
    assert client.get(reverse("approvals:case-export")).status_code == 403


@pytest.mark.django_db
def test_draw_list_sorts_and_exports(client, users, items, regions, second_inspector):
    services.entity_create(
        actor=users["admin"],
        item=items[5],
        region=regions["尧都区"],
        name="山西绿禾农药有限公司",
        credit_code=make_code(serial=11),
        licensed_on=D(2022, 6, 1),
    )
    for seed, day in (("甲", D(2022, 9, 1)), ("乙", D(2022, 9, 5))):
        services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="1",
            seed=seed,
            drawn_on=day,
        )
    client.force_login(users["inspector1"])
    html = client.get(reverse("approvals:draw-list"), {"ordering": "drawn"}).content.decode()
    assert html.index("2022-09-01") < html.index("2022-09-05") and "共 2 条" in html
    assert "100.00 %" in html
    rows = _sheet(client.get(reverse("approvals:draw-export"), {"ordering": "-drawn"}))
    assert rows[0][0] == "抽取日期" and [row[-1] for row in rows[1:]] == ["乙", "甲"]
    assert rows[1][5] == 1  # drawn entities
    client.force_login(users["hongdong_approval"])
    assert _sheet(client.get(reverse("approvals:draw-export")))[1:] == []  # 尧都区's draws are not theirs


@pytest.mark.django_db
def test_case_form_guides_and_keeps_the_input(client, users, items, regions):
    client.force_login(users["yaodu_approval"])
    html = client.get(reverse("approvals:case-create")).content.decode()
    assert "---------" not in html and "请选择" in html
    county = {str(item.pk) for item in Item.objects.filter(level="county")}
    rule = html.split('data-show-when="item=', 1)[1].split('"', 1)[0]
    assert set(rule.split(",")) == county and "id_region" in html.split('data-show-when="item=', 1)[1][:300]
    assert "(县级)" in html and "(市级)" in html
    response = client.post(
        reverse("approvals:case-create"),
        {
            "item": items[5].pk,
            "region": regions["尧都区"].pk,
            "applicant_name": "尧都区惠农农资有限公司",
            "applicant_credit_code": "123",
            "accepted_on": "2022-09-26",
        },
    )
    assert response.status_code == 400  # refused: the form again, input kept, errors beside the fields
    html = response.content.decode()
    assert 'value="尧都区惠农农资有限公司"' in html and 'value="2022-09-26"' in html
    assert 'class="error-summary"' in html and "has-error" in html
    assert 'aria-invalid="true"' in html and "id_applicant_credit_code_error" in html


@pytest.mark.django_db
def test_county_form_shows_region_only_for_county_items(users, items):
    from approvals.forms import CaseForm, DrawForm

    for form in (CaseForm(), DrawForm()):
        shown = set(form.fields["region"].show_when.removeprefix("item=").split(","))
        assert str(items[5].pk) in shown  # a county-level item
        assert not shown & {str(item.pk) for item in items.values() if item.level == "city"}


@pytest.mark.django_db
def test_a_refused_decision_comes_back_with_its_input(client, users, new_case):
    case = new_case()
    client.force_login(users["yaodu_approval"])
    response = client.post(
        reverse("approvals:case-decide", args=[case.pk]),
        {"decision": "denied", "decided_on": "2022-09-01", "note": "材料不全,理由见告知书"},
    )
    assert response.status_code == 400  # the service refuses a decision before acceptance
    html = response.content.decode()
    assert "决定日期不能早于受理日期" in html and "材料不全,理由见告知书" in html
    assert '<option value="denied" selected>' in html and "id_decided_on_error" in html
    response = client.post(
        reverse("approvals:case-decide", args=[case.pk]), {"decision": "", "decided_on": ""}
    )
    assert response.status_code == 400 and "id_decision_error" in response.content.decode()
    response = client.post(reverse("approvals:case-extend", args=[case.pk]), {"reason": ""})
    assert response.status_code == 400 and "id_reason_error" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "pending" and not case.is_extended


@pytest.mark.django_db
def test_a_refused_result_comes_back_on_its_row(client, users, items, regions, second_inspector):
    services.entity_create(
        actor=users["admin"],
        item=items[5],
        region=regions["尧都区"],
        name="山西绿禾农药有限公司",
        credit_code=make_code(serial=11),
        licensed_on=D(2022, 6, 1),
    )
    the_draw = services.draw_create(
        actor=users["inspector1"],
        item=items[5],
        region=regions["尧都区"],
        ratio="1",
        seed="s",
        drawn_on=D(2022, 9, 1),
    )
    row = the_draw.drawn.get()
    inspector = row.inspectors.first()
    client.force_login(inspector)
    page = client.get(reverse("approvals:draw-detail", args=[the_draw.pk])).content.decode()
    assert (
        f'id="id_r{row.pk}_result"' in page and 'data-show-when="result=rectify,penalised,not_found"' in page
    )
    assert "---------" not in page and "compliant</" not in page
    response = client.post(
        reverse("approvals:result-record", args=[row.pk]),
        {"result": "rectify", "checked_on": "", "note": "灭火器过期"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "灭火器过期" in html and f"id_r{row.pk}_checked_on_error" in html
    row.refresh_from_db()
    assert row.result == "pending"


@pytest.mark.django_db
def test_handover_and_item_exports(client, users, items):
    client.force_login(users["yaodu_approval"])
    rows = _sheet(client.get(reverse("approvals:handover-export"), {"ordering": "-item"}))
    assert rows[0][:2] == ["事项", "承接部门"] and len(rows) > 1
    assert {row[1] for row in rows[1:]} == {"尧都区行政审批服务管理局"}  # only their own department's rows
    assert rows[1][0].startswith("12.")  # ordered as asked: the last county-level item first
    html = client.get(reverse("approvals:handover"), {"ordering": "-item"}).content.decode()
    assert reverse("approvals:handover-export") + "?ordering=-item" in html
    catalogue = _sheet(client.get(reverse("approvals:item-export")))
    assert [row[0] for row in catalogue[1:]] == list(range(1, 20)) and catalogue[1][4] == "市级"
    client.force_login(users["inspector1"])
    assert client.get(reverse("approvals:handover-export")).status_code == 403


@pytest.mark.django_db
def test_filter_choices_are_the_users_own(client, users, mixed_cases):
    from linfen_admin.models import Department

    client.force_login(users["yaodu_approval"])
    form = client.get(reverse("approvals:case-list")).context["filter"].form
    assert [str(region) for region in form.fields["region"].queryset] == ["尧都区"]
    departments = {d.name for d in form.fields["department"].queryset}
    assert "尧都区行政审批服务管理局" in departments and "尧都区农业农村局" in departments
    assert not any(name.startswith("洪洞县") for name in departments)
    assert not any("自然资源" in name for name in departments)  # only the departments that handle cases
    hongdong = Department.objects.get(code="141024-approval-service")
    html = client.get(reverse("approvals:case-list"), {"department": hongdong.pk}).content.decode()
    assert "选择一个有效的选项" in html
    client.force_login(users["leader"])
    form = client.get(reverse("approvals:case-list")).context["filter"].form
    assert form.fields["region"].queryset.count() > 10
    assert "洪洞县行政审批服务管理局" in {d.name for d in form.fields["department"].queryset}
