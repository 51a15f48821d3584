"""Years the ``chinesecalendar`` package does not know yet, entered by an administrator from the State Council
notice; a year entered here overrides the package. The 2027 schedule below is MADE UP for the tests (the real
one is not published yet): 2027-01-01 (Fri) 元旦 off, 2027-01-23 (Sat) a make-up working day."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from approvals import reminders, selectors, services
from approvals.models import Case, WorkCalendarDay, WorkCalendarYear
from approvals.rules.workdays import Calendar, CalendarUnknown, add_working_days, is_working_day
from linfen_admin.audit import history_for
from linfen_admin.models import AuditEvent
from linfen_admin.roles import Role

D = datetime.date
HOLIDAY, MAKEUP = WorkCalendarDay.Kind.HOLIDAY, WorkCalendarDay.Kind.MAKEUP_WORKDAY


def enter_year(year, days, **extra):
    entry = WorkCalendarYear.objects.create(
        year=year,
        notice_title=extra.pop("notice_title", f"国务院办公厅关于{year}年部分节假日安排的通知(测试)"),
        document_number=extra.pop("document_number", "国办发明电〔测试〕1号"),
        published_on=extra.pop("published_on", D(year - 1, 11, 1)),
        **extra,
    )
    for date, kind, name in days:
        day = WorkCalendarDay(year=entry, date=date, kind=kind, name=name)
        day.full_clean()
        day.save()
    return entry


@pytest.fixture
def year_2027(db):
    return enter_year(2027, [(D(2027, 1, 1), HOLIDAY, "元旦"), (D(2027, 1, 23), MAKEUP, "测试调休")])


# ---- the pure rules with a Calendar built by hand -------------------------------------------------------------


def test_calendar_from_a_dict_and_supplement_years():
    calendar = Calendar({D(2027, 1, 1): False, D(2027, 1, 23): True})
    assert calendar.supplement_years == {2027}
    assert is_working_day(D(2027, 1, 1), calendar=calendar) is False  # listed holiday (Fri)
    assert is_working_day(D(2027, 1, 2), calendar=calendar) is False  # ordinary Saturday
    assert is_working_day(D(2027, 1, 4), calendar=calendar) is True  # ordinary Monday
    assert is_working_day(D(2027, 1, 23), calendar=calendar) is True  # listed make-up Saturday
    assert is_working_day(D(2022, 10, 3), calendar=calendar) is False  # 2022: still the package
    # a year entered without any listed day yet is known (Mon–Fri), a year not entered is not
    assert Calendar(supplement_years=[2028]).is_working_day(D(2028, 1, 3)) is True
    with pytest.raises(CalendarUnknown):
        Calendar(supplement_years=[2028]).is_working_day(D(2027, 1, 4))


def test_default_calendar_is_the_package_only():
    with pytest.raises(CalendarUnknown) as caught:
        add_working_days(D(2026, 12, 15), 20)
    message = caught.value.messages[0]
    assert "尚无 2027 年的国务院节假日安排" in message and "系统管理员" in message and "工作日历" in message


# ---- services, selectors and reminders read the entered years ------------------------------------------------


@pytest.mark.django_db
class TestEnteredYear:
    def test_case_accepted_in_december_gets_a_january_due_date(self, year_2027, new_case):
        case = new_case(accepted_on=D(2026, 12, 15))
        # 12/16–18 (3) · 12/21–25 (8) · 12/28–31 (12) · 1/1 元旦 off · 1/4–8 (17) · 1/11, 1/12, 1/13 (20)
        assert case.statutory_due_on == case.due_on == D(2027, 1, 13)

    def test_extension_counts_the_make_up_saturday(self, year_2027, new_case, users):
        case = new_case(accepted_on=D(2026, 12, 15))
        case = services.case_extend(
            actor=users["yaodu_approval"], case=case, reason="需现场核查", on=D(2027, 1, 5)
        )
        # from 1/13: 1/14, 1/15 (2) · 1/18–22 (7) · 1/23 调休上班 (8) · 1/25, 1/26 (10)
        assert case.due_on == case.statutory_due_on == D(2027, 1, 26)

    def test_without_the_year_case_creation_is_refused_in_chinese(self, new_case):
        with pytest.raises(CalendarUnknown) as caught:
            new_case(accepted_on=D(2026, 12, 15))
        assert "尚无 2027 年的国务院节假日安排" in caught.value.messages[0]
        assert "系统管理员" in caught.value.messages[0]
        assert not Case.objects.exists()

    def test_due_soon_window_crosses_into_the_entered_year(self, year_2027, new_case):
        case = new_case(accepted_on=D(2026, 12, 15), promised_days=13)  # 12/16 … 12/31 (12), 1/4 (13)
        assert case.due_on == D(2027, 1, 4)
        # on 12/29 the 3 working days ahead are 12/30, 12/31 and (1/1 off) 1/4
        assert selectors.due_flags(D(2026, 12, 29))["horizon"] == D(2027, 1, 4)
        assert [r.obj for r in reminders.collect_due_soon(D(2026, 12, 29))] == [case]
        assert list(selectors.due_soon(Case.objects.all(), D(2026, 12, 29))) == [case]

    def test_entered_year_overrides_the_package(self, new_case):
        assert new_case(accepted_on=D(2022, 9, 26)).due_on == D(2022, 10, 27)  # the package
        # A correction: the real National Day schedule plus one more day off on Monday 10/10.
        national_day = [(D(2022, 10, d), HOLIDAY, "国庆节") for d in range(1, 8)]
        enter_year(
            2022,
            [
                *national_day,
                (D(2022, 10, 8), MAKEUP, "国庆节"),
                (D(2022, 10, 9), MAKEUP, "国庆节"),
                (D(2022, 10, 10), HOLIDAY, "测试更正"),
            ],
        )
        # 9/27–30 (4) · 10/8*, 10/9* (6) · 10/10 off · 10/11–14 (10) · 10/17–21 (15) · 10/24–28 (20)
        assert new_case(accepted_on=D(2022, 9, 26)).due_on == D(2022, 10, 28)
        # the entered year replaces the package wholesale: 2022's Spring Festival is not in this entry,
        # so 2022-02-01 (Tue) is now a working day; 2023 still comes from the package
        calendar = selectors.work_calendar()
        assert calendar.is_working_day(D(2022, 2, 1)) is True
        assert calendar.is_working_day(D(2023, 1, 2)) is False

    def test_the_provider_costs_one_query_not_one_per_day(
        self, year_2027, new_case, django_assert_num_queries, django_assert_max_num_queries
    ):
        with django_assert_num_queries(1):
            calendar = selectors.work_calendar()
        with django_assert_num_queries(0):
            assert add_working_days(D(2026, 12, 15), 20, calendar=calendar) == D(2027, 1, 13)
            # 11/3–6 (4) · 11/9–27 (19) · 11/30–12/25 (39) · 12/28–31 (43) · 1/4–22 (58) · 1/23* (59) · 1/25 (60)
            assert add_working_days(D(2026, 11, 2), 60, calendar=calendar) == D(2027, 1, 25)
        new_case(accepted_on=D(2026, 11, 2))  # warm up (content types…)
        # case creation (validation with its constraint checks, audit row) reads the calendar exactly once
        with django_assert_max_num_queries(30) as captured:
            new_case(accepted_on=D(2026, 12, 15))
        assert sum("approvals_workcalendar" in q["sql"] for q in captured.captured_queries) == 1
        # the calendar, the officers, the names of items, departments and regions, the cases
        with django_assert_max_num_queries(6) as captured:
            list(reminders.collect_due_soon(D(2026, 12, 29)))
        assert sum("approvals_workcalendar" in q["sql"] for q in captured.captured_queries) == 1


# ---- model validation -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_day_must_lie_in_its_year_and_be_listed_once(year_2027):
    with pytest.raises(ValidationError) as caught:
        WorkCalendarDay(year=year_2027, date=D(2026, 12, 31), kind=HOLIDAY, name="元旦").full_clean()
    assert "date" in caught.value.message_dict and "不在 2027 年内" in caught.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as caught:
        WorkCalendarDay(year=year_2027, date=D(2027, 1, 1), kind=MAKEUP).full_clean()
    assert "date" in caught.value.message_dict
    with pytest.raises(ValidationError):
        WorkCalendarYear(year=2027, notice_title="重复", published_on=D(2026, 11, 1)).full_clean()


# ---- admin: administrators write, everyone else reads ---------------------------------------------------------


def _inline(rows, initial=0):
    data = {
        "days-TOTAL_FORMS": str(len(rows)),
        "days-INITIAL_FORMS": str(initial),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"days-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.mark.django_db
def test_admin_enters_a_year_with_its_days(client, users, new_case):
    client.force_login(users["admin"])
    data = {
        "year": "2027",
        "notice_title": "国务院办公厅关于2027年部分节假日安排的通知(测试)",
        "document_number": "国办发明电〔测试〕1号",
        "published_on": "2026-11-01",
        **_inline(
            [
                {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": ""},
                {"date": "2027-01-23", "kind": "makeup_workday", "name": "测试调休", "note": ""},
            ]
        ),
    }
    response = client.post("/admin/approvals/workcalendaryear/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = WorkCalendarYear.objects.get(year=2027)
    assert entry.entered_by == users["admin"] and entry.days.count() == 2
    assert history_for(entry).exists()
    assert AuditEvent.objects.filter(object_repr__contains="2027-01-01").exists()  # the inline day too
    assert new_case(accepted_on=D(2026, 12, 15)).due_on == D(2027, 1, 13)
    assert "2027" in client.get("/admin/approvals/workcalendaryear/").content.decode()


@pytest.mark.django_db
def test_admin_refuses_a_day_outside_its_year(client, users):
    client.force_login(users["admin"])
    data = {
        "year": "2027",
        "notice_title": "测试",
        "document_number": "",
        "published_on": "2026-11-01",
        **_inline([{"date": "2026-12-31", "kind": "holiday", "name": "元旦", "note": ""}]),
    }
    response = client.post("/admin/approvals/workcalendaryear/add/", data)
    assert response.status_code == 200 and "不在 2027 年内" in response.content.decode()
    assert not WorkCalendarYear.objects.exists()


@pytest.mark.django_db
def test_other_staff_may_view_but_not_change(client, users, make_user, year_2027):
    officer = make_user(
        "city_staff", Role.APPROVAL_OFFICER, department="city-approval-service", is_staff=True
    )
    for user in (officer, users["city_land"]):
        client.force_login(user)
        assert client.get("/admin/approvals/workcalendaryear/").status_code == 200
        assert client.get(f"/admin/approvals/workcalendaryear/{year_2027.pk}/change/").status_code == 200
        assert client.get("/admin/approvals/workcalendaryear/add/").status_code == 403
        response = client.post(
            f"/admin/approvals/workcalendaryear/{year_2027.pk}/change/",
            {
                "year": "2027",
                "notice_title": "篡改",
                "published_on": "2026-11-01",
                **_inline([]),
            },
        )
        assert response.status_code == 403
        assert (
            client.post(
                f"/admin/approvals/workcalendaryear/{year_2027.pk}/delete/", {"post": "yes"}
            ).status_code
            == 403
        )
    year_2027.refresh_from_db()
    assert year_2027.notice_title != "篡改" and year_2027.days.count() == 2


@pytest.mark.django_db
def test_calendar_status_command(year_2027):
    out = StringIO()
    call_command("calendar_status", stdout=out)
    text = out.getvalue()
    assert "2027 年:管理后台录入" in text and "国办发明电〔测试〕1号" in text
    assert "2026 年:chinesecalendar 包" in text and "2004 年:chinesecalendar 包" in text
