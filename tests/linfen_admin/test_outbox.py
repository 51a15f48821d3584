"""The e-mail outbox: one digest per person per day, claim/send/mark, failures, retries, admin."""
# ruff: noqa: F811 - the ``rules`` fixture is imported from test_reminders_helpers

import datetime
import smtplib
import threading
from unittest import mock

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from linfen_admin import outbox
from linfen_admin.models import EmailOutbox, Notification, OutboxItem
from linfen_admin.reminders import run_reminders
from linfen_admin.reminders_admin import EmailOutboxAdmin
from linfen_admin.roles import Role

from .test_reminders_helpers import department_rule, region_rule, rules  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2022, 7, 1)
NOON = datetime.datetime(2022, 7, 1, 4, 0, tzinfo=datetime.UTC)  # 12:00 in Linfen
Status = EmailOutbox.Status


class FlakyBackend(LocmemBackend):
    """The mail server: ``mode`` "down" refuses connections; "reject:<address>" refuses one recipient."""

    mode = "up"
    tries = 0

    def send_messages(self, messages):
        FlakyBackend.tries += 1
        if FlakyBackend.mode == "down":
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if FlakyBackend.mode.startswith("reject:"):
            bad = FlakyBackend.mode.split(":", 1)[1]
            if any(bad in message.to for message in messages):
                raise smtplib.SMTPRecipientsRefused({bad: (550, b"no such user")})
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.linfen_admin.test_outbox.FlakyBackend"
    FlakyBackend.mode, FlakyBackend.tries = "up", 0
    return FlakyBackend


@pytest.fixture
def swept(users, rules):
    """Three people with a reminder each (尧都/洪洞 land clerks, city land), swept at noon on 07-01."""
    rules.add("test.region", region_rule(["尧都区", "洪洞县"], Role.COUNTY_LAND))
    rules.add("test.dept", department_rule(["city-land"]))
    with time_machine.travel(NOON, tick=False):
        run_reminders(AS_OF)
    return users


def test_flush_sends_one_digest_per_person_and_marks_it_sent(swept):
    with time_machine.travel(NOON, tick=False):
        result = outbox.flush_outbox()
    assert result.sent == 3 and len(mail.outbox) == 3
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {Status.SENT}
    digest = EmailOutbox.objects.get(recipient=swept["yaodu_land"])
    assert digest.digest_date == AS_OF and digest.sent_at is not None and digest.attempts == 0
    message = next(m for m in mail.outbox if m.to == ["yaodu_land@example.gov.cn"])
    assert message.subject == "【临汾市督办平台】2022-07-01 提醒摘要(1 条)"
    assert "尧都区 进度提醒" in message.body and "/land/" in message.body and "/inbox/" in message.body
    assert digest.subject == message.subject and digest.body == message.body
    with time_machine.travel(NOON, tick=False):
        assert outbox.flush_outbox().sent == 0  # sent once
    assert len(mail.outbox) == 3


def test_items_arriving_after_the_digest_was_sent_wait_for_the_next_day(swept, rules):
    with time_machine.travel(NOON, tick=False):
        outbox.flush_outbox()
        rules.add("test.late", department_rule(["141002-land"], period="late"))
        run_reminders(AS_OF)
        assert outbox.flush_outbox().sent == 0  # no second mail on the same day
    late = EmailOutbox.objects.get(recipient=swept["yaodu_land"], status=Status.PENDING)
    assert late.digest_date == AS_OF + datetime.timedelta(days=1) and late.items.count() == 1
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        assert outbox.flush_outbox().sent == 1
    assert len(mail.outbox) == 4 and "季度报送提醒" in mail.outbox[-1].body


def test_items_join_a_pending_digest_of_the_day(swept, rules):
    with time_machine.travel(NOON, tick=False):
        rules.add("test.more", department_rule(["141002-land"], period="more"))
        run_reminders(AS_OF)
        outbox.flush_outbox()
    assert EmailOutbox.objects.filter(recipient=swept["yaodu_land"]).count() == 1
    message = next(m for m in mail.outbox if m.to == ["yaodu_land@example.gov.cn"])
    assert "(2 条)" in message.subject


def test_mail_server_outage_delays_mail_but_loses_none(swept, flaky):
    flaky.mode = "down"
    with time_machine.travel(NOON, tick=False):
        result = outbox.flush_outbox()
    assert (result.sent, result.retry_later, result.released) == (0, 1, 2)  # stops hammering a dead server
    assert flaky.tries == 1
    first = EmailOutbox.objects.get(attempts=1)
    assert first.status == Status.PENDING and "SMTPServerDisconnected" in first.last_error
    assert first.next_attempt_at == NOON + datetime.timedelta(seconds=60)
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {Status.PENDING}
    with time_machine.travel(NOON + datetime.timedelta(seconds=30), tick=False):
        assert outbox.flush_outbox().claimed == 0  # backing off
    with time_machine.travel(NOON + datetime.timedelta(seconds=61), tick=False):
        assert outbox.flush_outbox().retry_later == 1  # still down: attempt 2, next wait doubles
    assert EmailOutbox.objects.get(attempts=2).next_attempt_at == NOON + datetime.timedelta(seconds=61 + 120)
    flaky.mode = "up"
    with time_machine.travel(NOON + datetime.timedelta(minutes=10), tick=False):
        assert outbox.flush_outbox().sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "city_land@example.gov.cn",
        "hongdong_land@example.gov.cn",
        "yaodu_land@example.gov.cn",
    ]


def test_a_refused_recipient_does_not_hold_back_the_others(swept, flaky):
    flaky.mode = "reject:hongdong_land@example.gov.cn"
    with time_machine.travel(NOON, tick=False):
        result = outbox.flush_outbox()
    assert (result.sent, result.retry_later) == (2, 1)
    assert EmailOutbox.objects.get(recipient=swept["hongdong_land"]).last_error.startswith(
        "SMTPRecipientsRefused"
    )


def test_after_the_last_attempt_the_digest_fails_and_the_admin_retry_sends_it(
    swept, flaky, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 2
    flaky.mode = "reject:yaodu_land@example.gov.cn"
    moment = NOON
    for _ in range(2):
        with time_machine.travel(moment, tick=False):
            outbox.flush_outbox()
        moment += datetime.timedelta(hours=3)
    digest = EmailOutbox.objects.get(recipient=swept["yaodu_land"])
    assert (digest.status, digest.attempts) == (Status.FAILED, 2)
    with time_machine.travel(moment, tick=False):
        assert outbox.flush_outbox().claimed == 0  # failed rows wait for an administrator
    # the administrators' list shows it; the retry action puts it back and queues a flush after commit
    model_admin = EmailOutboxAdmin(EmailOutbox, admin.site)
    assert "status" in model_admin.list_filter and "last_error_short" in model_admin.list_display
    request = RequestFactory().post("/admin/")
    request.user = swept["admin"]
    flaky.mode = "up"
    with (
        mock.patch("linfen_admin.tasks.flush_outbox_task.delay") as delay,
        mock.patch.object(EmailOutboxAdmin, "message_user") as message_user,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        model_admin.retry_failed(request, EmailOutbox.objects.all())
    assert len(callbacks) == 1 and delay.call_count == 1
    assert "1" in str(message_user.call_args)
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (Status.PENDING, 0)
    with time_machine.travel(moment, tick=False):
        assert outbox.flush_outbox().sent == 1
    assert any(m.to == ["yaodu_land@example.gov.cn"] for m in mail.outbox)


def test_admin_registration_module_registers_the_outbox():
    assert admin.site.is_registered(EmailOutbox)
    model_admin = admin.site._registry[EmailOutbox]
    assert "retry_failed" in model_admin.actions


def test_failed_digests_are_listed_for_administrators_on_the_live_admin(client, swept, users):
    EmailOutbox.objects.update(status=Status.FAILED, last_error="SMTP 554 refused")
    client.force_login(users["admin"])
    page = client.get("/admin/linfen_admin/emailoutbox/?status__exact=failed")
    assert page.status_code == 200
    assert page.context["cl"].result_count == EmailOutbox.objects.count() > 0


def test_a_rolled_back_retry_queues_nothing(swept, django_capture_on_commit_callbacks):
    EmailOutbox.objects.update(status=Status.FAILED)
    with (
        mock.patch("linfen_admin.tasks.flush_outbox_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        try:
            with transaction.atomic():
                assert outbox.retry_digests(EmailOutbox.objects.values_list("pk", flat=True)) == 3
                raise RuntimeError("the admin request failed later")
        except RuntimeError:
            pass
    assert callbacks == [] and delay.call_count == 0
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {Status.FAILED}


def test_a_digest_left_sending_by_a_dead_flush_is_reclaimed(swept):
    with time_machine.travel(NOON, tick=False):
        claimed = outbox.claim_due()  # the flush died after claiming
    assert len(claimed) == 3 and set(EmailOutbox.objects.values_list("status", flat=True)) == {Status.SENDING}
    with time_machine.travel(NOON + datetime.timedelta(minutes=10), tick=False):
        assert outbox.flush_outbox().claimed == 0  # still within the claim: not taken twice
    with time_machine.travel(NOON + datetime.timedelta(minutes=31), tick=False):
        result = outbox.flush_outbox()
    assert (result.reclaimed, result.sent) == (3, 3)
    assert len(mail.outbox) == 3


def test_users_who_turned_email_off_since_get_no_mail(swept):
    swept["yaodu_land"].email_notifications = False
    swept["yaodu_land"].save()
    with time_machine.travel(NOON, tick=False):
        assert outbox.flush_outbox().sent == 2
    digest = EmailOutbox.objects.get(recipient=swept["yaodu_land"])
    assert digest.status == Status.FAILED and "关闭邮件提醒" in digest.last_error


def test_flush_outbox_command(swept):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(NOON, tick=False):
        call_command("flush_outbox", stdout=out)
    assert "已发送 3 封" in out.getvalue() and len(mail.outbox) == 3


def test_digest_for_a_deleted_notification_is_closed_quietly(swept):
    Notification.objects.filter(recipient=swept["yaodu_land"]).delete()
    assert not OutboxItem.objects.filter(outbox__recipient=swept["yaodu_land"]).exists()
    with time_machine.travel(NOON, tick=False):
        assert outbox.flush_outbox().sent == 2
    assert EmailOutbox.objects.get(recipient=swept["yaodu_land"]).status == Status.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claim_skips_rows_another_flush_has_locked(swept):
    """``SELECT … FOR UPDATE SKIP LOCKED``: a second flush does not wait for, nor take, a locked digest."""
    locked = EmailOutbox.objects.get(recipient=swept["yaodu_land"])
    have_lock, release = threading.Event(), threading.Event()

    def other_flush():
        try:
            with transaction.atomic():
                EmailOutbox.objects.select_for_update().get(pk=locked.pk)
                have_lock.set()
                release.wait(20)
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    thread = threading.Thread(target=other_flush)
    thread.start()
    assert have_lock.wait(20)
    try:
        with time_machine.travel(timezone.now(), tick=True):
            claimed = outbox.claim_due()
    finally:
        release.set()
        thread.join(20)
    assert locked.pk not in {digest.pk for digest in claimed} and len(claimed) == 2


def test_a_digest_that_keeps_killing_the_flush_stops_as_failed(swept, settings):
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 2
    moment = NOON
    for _ in range(2):
        with time_machine.travel(moment, tick=False):
            outbox.reclaim_stale()
            outbox.claim_due()  # and the flush dies each time
        moment += datetime.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        outbox.reclaim_stale()
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {Status.FAILED}
