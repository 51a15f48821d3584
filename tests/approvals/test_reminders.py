import datetime

import pytest

from approvals import reminders, services
from linfen_admin.registry import registry

D = datetime.date


def test_rules_are_registered():
    codes = {rule.code for rule in registry.reminder_rules}
    assert {"approvals.case_due_soon", "approvals.case_overdue"} <= codes


@pytest.mark.django_db
def test_due_soon_goes_to_the_handling_department_officers(users, new_case):
    case = new_case(accepted_on=D(2022, 9, 26))  # due 2022-10-27 (Thu)
    # 10/24 (Mon): 3 working days ahead is 10/27 → due soon. 10/21 (Fri): horizon 10/26 → not yet.
    assert list(reminders.collect_due_soon(D(2022, 10, 21))) == []
    [reminder] = list(reminders.collect_due_soon(D(2022, 10, 24)))
    assert reminder.obj == case and reminder.period == "due:2022-10-27"
    assert [u.username for u in reminder.recipients] == ["yaodu_approval"]
    assert reminder.url.endswith(f"/approvals/cases/{case.pk}/")
    # around National Day the horizon jumps the holiday: on 9/30, 3 working days ahead is 10/10
    early = new_case(
        accepted_on=D(2022, 9, 9), promised_days=16
    )  # 9/13–16, 9/19–23, 9/26–30 (14), 10/8*, 10/9*
    assert early.due_on == D(2022, 10, 9)
    assert early in [r.obj for r in reminders.collect_due_soon(D(2022, 9, 30))]


@pytest.mark.django_db
def test_overdue_and_decided_cases(users, new_case):
    case = new_case(accepted_on=D(2022, 9, 26))
    assert list(reminders.collect_overdue(D(2022, 10, 27))) == []
    [reminder] = list(reminders.collect_overdue(D(2022, 10, 28)))
    assert reminder.obj == case and reminder.period == "overdue:2022-10-27"
    services.case_decide(
        actor=users["yaodu_approval"], case=case, decision="approved", decided_on=D(2022, 10, 28)
    )
    assert list(reminders.collect_overdue(D(2022, 10, 29))) == []
    assert list(reminders.collect_due_soon(D(2022, 10, 26))) == []


@pytest.mark.django_db
def test_due_soon_past_the_calendar_collects_nothing_rather_than_guessing(users, new_case, caplog):
    new_case(accepted_on=D(2022, 9, 26))
    assert list(reminders.collect_due_soon(D(2027, 1, 4))) == []
    assert "no official calendar" in caplog.text


@pytest.mark.django_db
def test_due_soon_still_works_in_the_last_days_the_calendar_knows(users, new_case):
    """On 2026-12-29 the 3-working-day window reaches into 2027, which the calendar does not know yet; a case
    due that day is still reminded (no case can be due in an unknown year)."""
    case = new_case(accepted_on=D(2026, 12, 1))  # 12/2–4, 7–11, 14–18, 21–25, 28, 29: the 20th working day
    assert case.due_on == D(2026, 12, 29)
    assert [r.obj for r in reminders.collect_due_soon(D(2026, 12, 29))] == [case]


@pytest.mark.django_db
def test_demo_loader_is_idempotent(users, items, settings):
    import time_machine

    from approvals.demo import load_demo
    from approvals.models import Case, CreditBlacklist, InspectionDraw
    from approvals.selectors import due_soon, overdue
    from linfen_admin.demo import load_demo_users

    load_demo_users()  # seed_demo makes the demo users (inspectors included) before the modules' demo data
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0)):
        first = load_demo()
        second = load_demo()
        today = D(2026, 11, 20)
        assert first == second
        assert overdue(Case.objects.all(), today).exists()
        assert due_soon(Case.objects.all(), today).exists()
    assert (
        Case.objects.filter(region__name="尧都区").exists()
        and Case.objects.filter(region__name="市本级").exists()
    )
    assert CreditBlacklist.objects.count() == 1 and InspectionDraw.objects.count() == 1
    assert Case.objects.exclude(status="pending").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rule", [reminders.collect_due_soon, reminders.collect_overdue])
def test_each_rule_runs_in_the_same_number_of_queries_whatever_the_data(users, new_case, rule):
    """Query count constant in data size: more cases, in more regions and departments, cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_of = D(2022, 10, 28) if rule is reminders.collect_overdue else D(2022, 10, 24)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = [(r.obj.pk, [u.pk for u in r.recipients], r.title) for r in rule(as_of)]
        return len(captured), len(found)

    new_case(accepted_on=D(2022, 9, 26))
    small, small_found = queries()
    for _ in range(6):
        new_case(accepted_on=D(2022, 9, 26))
        new_case(region="洪洞县", accepted_on=D(2022, 9, 26), actor="hongdong_approval")
    large, large_found = queries()
    assert large_found == 13 * small_found and small_found == 1
    assert large == small
