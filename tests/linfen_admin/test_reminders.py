"""The reminder engine: one notification per (rule, object, period, recipient), digests, errors, dry run."""
# ruff: noqa: F811 - the ``rules`` fixture is imported from test_reminders_helpers

import datetime
import logging
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from linfen_admin import outbox, reminders
from linfen_admin.models import EmailOutbox, Notification, OutboxItem, Region
from linfen_admin.registry import Reminder
from linfen_admin.reminders import run_reminders
from linfen_admin.roles import Role
from linfen_admin.selectors import users_with_role

from .test_reminders_helpers import department_rule, region_rule, rules  # noqa: F401 - fixtures

AS_OF = datetime.date(2022, 7, 1)
pytestmark = pytest.mark.django_db


def keys():
    return sorted(Notification.objects.values_list("rule", "object_id", "period", "recipient__username"))


def test_sweep_writes_one_notification_per_reminder_and_recipient(users, rules):
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    summary = run_reminders(AS_OF)
    yaodu, hongdong = Region.objects.get(name="尧都区"), Region.objects.get(name="洪洞县")
    assert keys() == sorted(
        [
            ("test.region", str(yaodu.pk), "2022-W26", "yaodu_land"),
            ("test.region", str(hongdong.pk), "2022-W26", "hongdong_land"),
        ]
    )
    note = Notification.objects.get(recipient=users["yaodu_land"])
    assert (note.title, note.body, note.url, note.content_type.model) == (
        "尧都区 进度提醒",
        "截至 2022-07-01",
        "/land/",
        "region",
    )
    assert note.read_at is None
    assert (summary.created, summary.existing, summary.emails, summary.ok) == (2, 0, 2, True)
    assert summary.rules[0].reminders == 2
    # both recipients want e-mail and have an address: each gets a digest carrying the notification
    assert OutboxItem.objects.count() == 2
    assert set(EmailOutbox.objects.values_list("recipient__username", flat=True)) == {
        "yaodu_land",
        "hongdong_land",
    }


def test_running_twice_sends_nothing_new(users, rules):
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    first = run_reminders(AS_OF)
    outbox.flush_outbox()
    assert len(mail.outbox) == 2
    second = run_reminders(AS_OF)
    outbox.flush_outbox()
    assert (first.created, second.created, second.existing, second.emails) == (2, 0, 2, 0)
    assert Notification.objects.count() == 2 and OutboxItem.objects.count() == 2
    assert len(mail.outbox) == 2  # no second mail


def test_a_new_period_is_a_new_reminder(users, rules):
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    run_reminders(AS_OF)
    run_reminders(AS_OF + datetime.timedelta(days=1))  # same ISO week: same period
    assert Notification.objects.count() == 1
    run_reminders(AS_OF + datetime.timedelta(days=7))  # next week: a new period
    assert sorted(Notification.objects.values_list("period", flat=True)) == ["2022-W26", "2022-W27"]


def test_email_only_for_recipients_who_want_it_and_have_an_address(users, rules):
    users["yaodu_land"].email_notifications = False
    users["yaodu_land"].save()
    users["hongdong_land"].email = ""
    users["hongdong_land"].save()
    users["city_land"].email_notifications = True
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    rules.add("test.dept", department_rule(["city-land"]))
    summary = run_reminders(AS_OF)
    assert summary.created == 3  # everyone gets the in-app notification
    assert summary.emails == 1
    assert list(OutboxItem.objects.values_list("outbox__recipient__username", flat=True)) == ["city_land"]


def test_one_digest_per_person_gathers_every_rule_of_the_day(users, rules):
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    rules.add("test.dept", department_rule(["141002-land"]))
    run_reminders(AS_OF)
    digest = EmailOutbox.objects.get()
    assert digest.recipient == users["yaodu_land"]
    assert digest.items.count() == 2
    outbox.flush_outbox()
    assert len(mail.outbox) == 1
    assert "尧都区 进度提醒" in mail.outbox[0].body and "季度报送提醒" in mail.outbox[0].body
    assert mail.outbox[0].to == ["yaodu_land@example.gov.cn"]


def test_a_rule_that_raises_does_not_stop_the_others(users, rules, caplog):
    def broken(as_of):
        yield from ()
        raise RuntimeError("数据表缺失")

    rules.add("test.broken", broken)
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    with caplog.at_level(logging.ERROR, logger="linfen_admin.reminders"):
        summary = run_reminders(AS_OF)
    assert summary.errors == {"test.broken": "RuntimeError: 数据表缺失"}
    assert not summary.ok
    assert summary.created == 1 and keys()[0][3] == "yaodu_land"
    assert "test.broken" in caplog.text


def test_a_bad_reminder_is_reported_as_a_rule_error(users, rules):
    region = Region.objects.get(name="尧都区")
    rules.add(
        "test.bad_period",
        lambda as_of: [Reminder(obj=region, period="x" * 40, recipients=[users["admin"]], title="t")],
    )
    rules.add(
        "test.unsaved",
        lambda as_of: [Reminder(obj=Region(name="新区"), period="p", recipients=[users["admin"]], title="t")],
    )
    summary = run_reminders(AS_OF)
    assert set(summary.errors) == {"test.bad_period", "test.unsaved"}
    assert Notification.objects.count() == 0


def test_long_titles_are_shortened_not_refused(users, rules):
    region = Region.objects.get(name="尧都区")
    rules.add(
        "test.long",
        lambda as_of: [Reminder(obj=region, period="p", recipients=[users["admin"]], title="长" * 300)],
    )
    run_reminders(AS_OF)
    title = Notification.objects.get().title
    assert len(title) == 200 and title.endswith("…")


class Crash(BaseException):
    """Stands for the process dying (not an ``Exception``: nothing catches it)."""


def test_crash_in_the_middle_then_rerun_sends_the_rest_and_nothing_twice(users, rules, monkeypatch):
    rules.add(
        "test.region", region_rule(list(Region.objects.values_list("name", flat=True)), Role.COUNTY_LAND)
    )
    rules.add("test.dept", department_rule(["141002-land", "141024-land", "city-land"]))
    monkeypatch.setattr(reminders, "BATCH_SIZE", 1)  # one recipient row per transaction
    real_enqueue = outbox.enqueue
    calls = {"n": 0}

    def dying_enqueue(pairs, *, day):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash("killed while writing the second batch")
        return real_enqueue(pairs, day=day)

    monkeypatch.setattr(outbox, "enqueue", dying_enqueue)
    with pytest.raises(Crash):
        run_reminders(AS_OF)
    # the first batch committed with its e-mail item; the second rolled back whole
    assert Notification.objects.count() == 1 and OutboxItem.objects.count() == 1
    monkeypatch.setattr(outbox, "enqueue", real_enqueue)
    summary = run_reminders(AS_OF)
    assert (summary.created, summary.existing) == (4, 1)  # 2 region rows + 3 department rows in all
    assert Notification.objects.count() == 5
    assert OutboxItem.objects.count() == 5  # each notification in exactly one digest
    outbox.flush_outbox()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "city_land@example.gov.cn",
        "hongdong_land@example.gov.cn",
        "yaodu_land@example.gov.cn",
    ]
    assert sum(m.body.count("提醒") for m in mail.outbox if m.to == ["yaodu_land@example.gov.cn"]) >= 2
    assert run_reminders(AS_OF).created == 0


def test_failure_while_writing_a_batch_is_a_rule_error_and_the_rerun_completes(users, rules, monkeypatch):
    rules.add("test.dept", department_rule(["141002-land", "141024-land", "city-land"]))
    monkeypatch.setattr(reminders, "BATCH_SIZE", 1)
    real_enqueue = outbox.enqueue

    def flaky(pairs, *, day):
        if pairs and pairs[0][1] == users["hongdong_land"].pk:
            raise RuntimeError("outbox unavailable")
        return real_enqueue(pairs, day=day)

    monkeypatch.setattr(outbox, "enqueue", flaky)
    summary = run_reminders(AS_OF)
    assert "test.dept" in summary.errors
    written = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "hongdong_land" not in written  # its notification rolled back with the failed e-mail step
    monkeypatch.setattr(outbox, "enqueue", real_enqueue)
    run_reminders(AS_OF)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "yaodu_land",
        "hongdong_land",
        "city_land",
    }
    assert OutboxItem.objects.count() == 3


def test_engine_never_widens_recipients(users, rules, make_user):
    make_user("yaodu_land_2", Role.COUNTY_LAND, region="尧都区", department="141002-land", is_active=False)
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    region = Region.objects.get(name="尧都区")
    dupes = [users["yaodu_land"], users["yaodu_land"]]
    rules.add("test.dupes", lambda as_of: [Reminder(obj=region, period="p", recipients=dupes, title="t")])
    summary = run_reminders(AS_OF)
    # 尧都区's county clerk only: not 洪洞县's, not the city's, not admins, not the inactive colleague
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"yaodu_land"}
    assert Notification.objects.count() == 2
    assert summary.rules[1].dropped == 1
    # with include_city_level the rule itself asks for city-level holders too; the engine follows, no more
    rules.add(
        "test.with_city",
        lambda as_of: [
            Reminder(
                obj=region,
                period="p",
                recipients=users_with_role(
                    Role.COUNTY_LAND, Role.CITY_LAND, region=region, include_city_level=True
                ),
                title="t",
            )
        ],
    )
    run_reminders(AS_OF)
    assert set(
        Notification.objects.filter(rule="test.with_city").values_list("recipient__username", flat=True)
    ) == {"yaodu_land", "city_land"}


def test_sweep_after_beat_was_down_across_a_deadline_still_sends(users, rules):
    """The rule derives what is due from the database (here: an account activation deadline 30 days after
    joining, reminded from 3 days before until done), so a sweep that missed the deadline day still sends."""
    import django.utils.timezone as tz

    joined = tz.make_aware(datetime.datetime(2022, 6, 1, 9, 0))
    newcomer = users["yaodu_land"]
    type(newcomer).objects.filter(pk=newcomer.pk).update(date_joined=joined, last_login=None)

    def activation_due(as_of):
        for user in type(newcomer).objects.filter(last_login__isnull=True, pk=newcomer.pk):
            due = tz.localtime(user.date_joined).date() + datetime.timedelta(days=30)
            if as_of >= due - datetime.timedelta(days=3):
                yield Reminder(
                    obj=user,
                    period=f"due-{due:%Y%m%d}",
                    recipients=[user],
                    title="账号未激活" if as_of <= due else "账号激活已逾期",
                )

    rules.add("test.activation", activation_due)
    assert run_reminders(datetime.date(2022, 6, 20)).created == 0  # before the window
    # beat is down from 06-21 to 07-09; the deadline (07-01) passes unseen
    summary = run_reminders(datetime.date(2022, 7, 10))
    assert summary.created == 1
    assert Notification.objects.get().title == "账号激活已逾期"
    assert run_reminders(datetime.date(2022, 7, 11)).created == 0


def test_dry_run_writes_and_sends_nothing(users, rules):
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    run_reminders(AS_OF, rule_codes=[])  # nothing
    summary = run_reminders(AS_OF, dry_run=True)
    assert (summary.created, summary.emails, summary.dry_run) == (2, 2, True)
    assert Notification.objects.count() == 0 and EmailOutbox.objects.count() == 0
    assert any("尧都区 进度提醒" in line for line in summary.rules[0].planned)
    out = StringIO()
    call_command("send_reminders", "--as-of", "2022-07-01", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "试运行" in text and "yaodu_land@example.gov.cn" in text and "洪洞县 进度提醒" in text
    assert Notification.objects.count() == 0 and EmailOutbox.objects.count() == 0 and mail.outbox == []


def test_dry_run_after_a_real_run_lists_only_what_is_new(users, rules):
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    run_reminders(AS_OF)
    rules.add("test.dept", department_rule(["141024-land"]))
    summary = run_reminders(AS_OF, dry_run=True)
    assert [(r.created, r.existing) for r in summary.rules] == [(0, 1), (1, 0)]


def test_command_runs_the_sweep_and_sends_the_digests(users, rules):
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    out = StringIO()
    call_command("send_reminders", "--as-of", "2022-07-01", stdout=out)
    assert Notification.objects.filter(period="2022-W26").count() == 1
    assert len(mail.outbox) == 1 and "已发送 1 封" in out.getvalue()
    call_command("send_reminders", "--as-of", "2022-07-01", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_command_reports_failed_rules_with_an_error_exit(users, rules):
    def broken(as_of):
        raise RuntimeError("boom")

    rules.add("test.broken", broken)
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    with pytest.raises(CommandError, match="test.broken"):
        call_command("send_reminders", "--as-of", "2022-07-01", stdout=StringIO())
    assert Notification.objects.count() == 1  # the healthy rule still ran


def test_rule_filter(users, rules):
    rules.add("test.region", region_rule(["尧都区"], Role.COUNTY_LAND))
    rules.add("test.dept", department_rule(["141024-land"]))
    assert [r.code for r in run_reminders(AS_OF, rule_codes=["test.dept"]).rules] == ["test.dept"]
    assert set(Notification.objects.values_list("rule", flat=True)) == {"test.dept"}


def test_as_of_defaults_to_today_in_shanghai(users, rules):
    seen = []

    def spy(as_of):
        seen.append(as_of)
        return []

    rules.add("test.spy", spy)
    with time_machine.travel(datetime.datetime(2022, 6, 30, 16, 30, tzinfo=datetime.UTC), tick=False):
        summary = run_reminders()
        call_command("send_reminders", "--dry-run", stdout=StringIO())
    assert summary.as_of == datetime.date(2022, 7, 1)
    assert seen == [datetime.date(2022, 7, 1), datetime.date(2022, 7, 1)]  # not 06-30 (UTC's date)


def test_swept_reminders_reach_each_recipients_own_inbox_only(users, rules, api, client):
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    run_reminders(AS_OF)
    body = api.as_user(users["yaodu_land"]).get("/api/v1/notifications/").json()
    assert [item["title"] for item in body["results"]] == ["尧都区 进度提醒"]
    assert api.as_user(users["city_land"]).get("/api/v1/notifications/").json()["count"] == 0
    client.force_login(users["hongdong_land"])
    page = client.get("/inbox/").content.decode()
    assert "洪洞县 进度提醒" in page and "尧都区 进度提醒" not in page


def test_command_rejects_a_malformed_date(users):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--as-of", "2022-13-01", stdout=StringIO())
