"""English pages of the approvals module: with the language cookie set by /i18n/setlang/ the item catalogue and
the case list are in English; without it they stay Chinese."""

import pytest
from django.urls import reverse


@pytest.fixture
def english(client):
    def as_user(user):
        client.force_login(user)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        return client

    return as_user


def test_item_catalogue_in_english(english, users, items):
    response = english(users["yaodu_approval"]).get(reverse("approvals:item-list"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert "Administrative approval items taken over (Lin Zheng Fa [2022] No. 5, 19 items)" in page
    assert "承接的行政审批事项" not in page


def test_case_list_in_english(english, users, new_case):
    case = new_case()
    page = english(users["yaodu_approval"]).get(reverse("approvals:case-list")).content.decode()
    assert "<h1>Cases</h1>" in page and "Register a case" in page
    assert case.applicant_name in page and "In progress" in page
    assert "<h1>办件</h1>" not in page and "登记办件" not in page and "办理中" not in page


def test_without_the_cookie_the_same_pages_are_chinese(client, users, new_case):
    new_case()
    client.force_login(users["yaodu_approval"])
    catalogue = client.get(reverse("approvals:item-list")).content.decode()
    assert "承接的行政审批事项" in catalogue and "Administrative approval items" not in catalogue
    cases = client.get(reverse("approvals:case-list")).content.decode()
    assert "<h1>办件</h1>" in cases and "办理中" in cases
    assert "<h1>Cases</h1>" not in cases


def test_case_list_deadlines_and_headers_in_english(english, users, new_case):
    import datetime

    import time_machine

    new_case(accepted_on=datetime.date(2022, 9, 26), applicant_name="Huinong Ltd")  # due 2022-10-27
    client = english(users["yaodu_approval"])
    with time_machine.travel(datetime.datetime(2022, 10, 31, 9, 0), tick=False):
        page = client.get(reverse("approvals:case-list"), {"ordering": "due"}).content.decode()
    assert "Overdue by 2 working days" in page and "已超期" not in page  # 10/28, 10/31
    assert ">Applicant<" in page and ">Deadline</th>" in page and "申请人" not in page
    assert "1 result" in page and "Export xlsx" in page
