"""Reminder rule: an application waiting in a step longer than its StepLimit, to the users who must act."""

import datetime

from django.utils import timezone

from subsidies.models import State, StepLimit
from subsidies.reminders import collect_overdue_steps


def _entered(days_ago: int, as_of: datetime.date):
    moment = datetime.datetime.combine(as_of - datetime.timedelta(days=days_ago), datetime.time(10, 0))
    return timezone.make_aware(moment)


def test_overdue_steps(users, make_application):
    as_of = datetime.date(2026, 6, 30)
    on_time = make_application(State.COUNTY_REVIEW, state_changed_at=_entered(15, as_of))  # day 15 of 15
    late = make_application(State.COUNTY_REVIEW, state_changed_at=_entered(16, as_of))
    city_late = make_application(State.CITY_REVIEW, state_changed_at=_entered(20, as_of))
    experts_late = make_application(State.EXPERT_REVIEW, state_changed_at=_entered(21, as_of))
    from subsidies.models import ExpertAssignment

    ExpertAssignment.objects.create(application=experts_late, expert=users["expert1"], round=1)
    make_application(State.DRAFT, state_changed_at=_entered(300, as_of))  # drafts have no limit
    reminders = {r.obj.pk: r for r in collect_overdue_steps(as_of)}
    assert on_time.pk not in reminders
    assert {u.username for u in reminders[late.pk].recipients} == {"yaodu_industry"}
    assert {u.username for u in reminders[city_late.pk].recipients} == {"city_industry"}
    assert {u.username for u in reminders[experts_late.pk].recipients} == {"city_industry", "expert1"}
    assert reminders[late.pk].period.startswith("county_review:")
    assert "超时 1 天" in reminders[late.pk].title


def test_limits_are_data(users, make_application):
    as_of = datetime.date(2026, 6, 30)
    application = make_application(State.COUNTY_REVIEW, state_changed_at=_entered(10, as_of))
    assert not list(collect_overdue_steps(as_of))
    StepLimit.objects.filter(state=State.COUNTY_REVIEW).update(days=5)
    assert [r.obj.pk for r in collect_overdue_steps(as_of)] == [application.pk]


def test_recipients_are_looked_up_once_per_step_region_and_domain(
    users, make_application, django_assert_max_num_queries
):
    as_of = datetime.date(2026, 6, 30)
    for _ in range(12):
        make_application(State.COUNTY_REVIEW, state_changed_at=_entered(30, as_of))
    with django_assert_max_num_queries(4):  # limits, applications, one recipient lookup
        reminders = list(collect_overdue_steps(as_of))
    assert len(reminders) == 12
    assert all({u.username for u in r.recipients} == {"yaodu_industry"} for r in reminders)


def test_the_rule_runs_in_the_same_number_of_queries_whatever_the_data(users, make_application):
    """Query count constant in data size: more late files, in more steps, regions and expert panels, cost no
    more queries (recipients are read per step, region and domain; unscored experts in one query)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linfen_admin.models import Region
    from subsidies.models import ExpertAssignment

    as_of = datetime.date(2026, 6, 30)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = [
                (r.obj.pk, sorted(u.pk for u in r.recipients), r.title) for r in collect_overdue_steps(as_of)
            ]
        return len(captured), found

    def late(state, **extra):
        application = make_application(state, state_changed_at=_entered(40, as_of), **extra)
        if state == State.EXPERT_REVIEW:
            ExpertAssignment.objects.create(
                application=application, expert=users["expert1"], round=application.review_round
            )
        return application

    for state in (State.COUNTY_REVIEW, State.CITY_REVIEW, State.EXPERT_REVIEW):
        late(state)
    small, small_found = queries()
    hongdong = Region.objects.get(name="洪洞县")
    for _ in range(5):
        for state in (State.COUNTY_REVIEW, State.CITY_REVIEW, State.EXPERT_REVIEW):
            late(state)
            late(state, region=hongdong)
    large, large_found = queries()
    assert len(small_found) == 3 and len(large_found) == 33
    assert large == small
