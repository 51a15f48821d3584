"""The e-mail outbox: one digest per person per day, flushed through Django's mail API.

- ``enqueue`` (called by the reminder engine inside the transaction that inserted the notifications) puts new
  notifications into the recipient's digest for the day. Only a *pending* digest takes new items; once the day's
  digest is being sent, was sent or failed, they join the next day's digest (still one mail per person per day).
- ``flush_outbox`` claims due pending digests (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two flushes
  never take the same row), renders subject and body from the digest's items, marks them *sending* and commits;
  then sends outside any transaction. Success → *sent*. Failure → back to *pending* with ``attempts + 1``,
  ``last_error`` and an exponential ``next_attempt_at``; after ``REMINDER_EMAIL_MAX_ATTEMPTS`` → *failed*, shown
  in the admin with a retry action. When the server itself is unreachable the rest of the batch is released
  untouched: an outage delays mail, it loses none.
- A digest left *sending* by a crashed flush (claimed longer than ``REMINDER_EMAIL_STALE_MINUTES`` ago) goes back
  to pending. The mail may then go out twice in that one case (the crash fell between the SMTP server's "250 OK"
  and our commit) — no outbox can rule that out; every other path sends each digest once.
"""

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .bulk import insert_many
from .models import EmailOutbox, OutboxItem, User

logger = logging.getLogger(__name__)

Status = EmailOutbox.Status
CLAIM_LIMIT = 100
MAX_DAYS_AHEAD = 7


def max_attempts() -> int:
    return int(getattr(settings, "REMINDER_EMAIL_MAX_ATTEMPTS", 10))


def backoff_seconds(attempt: int) -> int:
    """Wait before attempt ``attempt + 1``: 60 s, 120 s, 240 s … capped at two hours."""
    base = int(getattr(settings, "REMINDER_EMAIL_RETRY_BASE_SECONDS", 60))
    return min(base * 2 ** max(attempt - 1, 0), 2 * 60 * 60)


# --- enqueue -----------------------------------------------------------------------------------------------------


def enqueue(pairs: list[tuple[int, int]], *, day: datetime.date) -> int:
    """Put (notification_id, recipient_id) pairs into each recipient's open digest; must run inside the
    transaction that created the notifications. Returns the number of items queued."""
    if not pairs:
        return 0
    by_recipient: dict[int, list[int]] = defaultdict(list)
    for notification_id, recipient_id in pairs:
        by_recipient[recipient_id].append(notification_id)
    digests = _open_digests(sorted(by_recipient), day)
    items = [
        (digests[recipient_id], notification_id)
        for recipient_id, ids in sorted(by_recipient.items())
        for notification_id in ids
    ]
    insert_many(OutboxItem, ["outbox", "notification"], items)
    return len(items)


def _open_digests(recipient_ids: list[int], day: datetime.date) -> dict[int, int]:
    """{recipient_id: id of a *pending* digest}, locked for the rest of the transaction."""
    assert transaction.get_connection().in_atomic_block, "enqueue must run inside a transaction"
    found: dict[int, int] = {}
    remaining = recipient_ids
    for offset in range(MAX_DAYS_AHEAD):
        digest_date = day + datetime.timedelta(days=offset)
        EmailOutbox.objects.bulk_create(
            [EmailOutbox(recipient_id=recipient_id, digest_date=digest_date) for recipient_id in remaining],
            ignore_conflicts=True,
        )
        rows = (
            EmailOutbox.objects.select_for_update()
            .filter(recipient_id__in=remaining, digest_date=digest_date)
            .order_by("recipient_id")
            .values_list("recipient_id", "pk", "status")
        )
        closed = []
        for recipient_id, pk, status in rows:
            if status == Status.PENDING:
                found[recipient_id] = pk
            else:
                closed.append(recipient_id)
        if not closed:
            return found
        remaining = closed
    raise RuntimeError(f"no open e-mail digest within {MAX_DAYS_AHEAD} days for users {remaining}")


# --- flush -------------------------------------------------------------------------------------------------------


@dataclass
class FlushResult:
    sent: int = 0
    retry_later: int = 0  # back to pending after a failure
    failed: int = 0  # gave up after the last attempt (admin can retry)
    released: int = 0  # claimed but not tried because the server was down
    reclaimed: int = 0  # stale "sending" rows put back
    last_error: str = ""

    @property
    def claimed(self) -> int:
        return self.sent + self.retry_later + self.failed + self.released

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "retry_later": self.retry_later,
            "failed": self.failed,
            "released": self.released,
            "reclaimed": self.reclaimed,
            "last_error": self.last_error,
        }


class MailServerUnavailable(Exception):
    """The mail server refused or dropped the connection; the task retries with backoff."""


def is_server_error(exc: BaseException) -> bool:
    """The server (not this one message) is the problem: refused/dropped connection, timeout, bad login.
    ``smtplib.SMTPException`` subclasses ``OSError``; a refused recipient or message is not a server outage."""
    if isinstance(
        exc,
        smtplib.SMTPConnectError
        | smtplib.SMTPServerDisconnected
        | smtplib.SMTPHeloError
        | smtplib.SMTPAuthenticationError,
    ):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def flush_outbox(*, limit: int = CLAIM_LIMIT, now: datetime.datetime | None = None) -> FlushResult:
    now = now or timezone.now()
    result = FlushResult(reclaimed=reclaim_stale(now=now))
    claimed = claim_due(limit=limit, now=now)
    if not claimed:
        return result
    connection = mail.get_connection(fail_silently=False)
    try:
        for index, digest in enumerate(claimed):
            try:
                message = mail.EmailMultiAlternatives(
                    subject=digest.subject,
                    body=digest.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[digest.to_address],
                    connection=connection,
                )
                message.send()
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:1000]
                logger.warning("e-mail digest %s to %s failed: %s", digest.pk, digest.to_address, error)
                result.last_error = error
                if _mark_attempt_failed(digest, error, now=timezone.now()):
                    result.failed += 1
                else:
                    result.retry_later += 1
                if is_server_error(exc):  # the server is down: don't hammer it, keep the rest queued
                    rest = [item.pk for item in claimed[index + 1 :]]
                    result.released += _release(
                        rest,
                        until=timezone.now() + datetime.timedelta(seconds=backoff_seconds(digest.attempts)),
                    )
                    break
            else:
                EmailOutbox.objects.filter(pk=digest.pk, status=Status.SENDING).update(
                    status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
                )
                result.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection must not hide the result
            logger.debug("closing the mail connection failed", exc_info=True)
    return result


def claim_due(*, limit: int = CLAIM_LIMIT, now: datetime.datetime | None = None) -> list[EmailOutbox]:
    """Claim up to ``limit`` due pending digests: render them, mark them *sending*, commit."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        ids = list(
            EmailOutbox.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, digest_date__lte=today)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("digest_date", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        digests = list(EmailOutbox.objects.filter(pk__in=ids).order_by("digest_date", "pk"))
        recipients = User.objects.in_bulk({digest.recipient_id for digest in digests})
        items = defaultdict(list)
        for item in (
            OutboxItem.objects.filter(outbox_id__in=ids)
            .select_related("notification")
            .order_by("notification__rule", "notification_id")
        ):
            items[item.outbox_id].append(item.notification)
        ready, cancelled, empty = [], [], []
        for digest in digests:
            user = recipients.get(digest.recipient_id)
            notifications = items.get(digest.pk, [])
            if not notifications:
                empty.append(digest.pk)
                continue
            if user is None or not user.is_active or not user.email or not user.email_notifications:
                cancelled.append(digest.pk)
                continue
            digest.to_address = user.email
            digest.subject, digest.body = render_digest(user, digest.digest_date, notifications)
            digest.status = Status.SENDING
            digest.claimed_at = now
            ready.append(digest)
        EmailOutbox.objects.bulk_update(ready, ["to_address", "subject", "body", "status", "claimed_at"])
        if cancelled:
            EmailOutbox.objects.filter(pk__in=cancelled).update(
                status=Status.FAILED, last_error="收件人已停用、没有邮箱或已关闭邮件提醒"
            )
        if empty:  # nothing to say (items removed with their notifications): close quietly
            EmailOutbox.objects.filter(pk__in=empty).update(
                status=Status.SENT, sent_at=now, last_error="无条目,未发送"
            )
    return ready


def render_digest(user, digest_date: datetime.date, notifications) -> tuple[str, str]:
    base_url = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    items = [
        {
            "title": n.title,
            "body": n.body,
            "link": n.url if not n.url or "://" in n.url else f"{base_url}{n.url}",
        }
        for n in notifications
    ]
    context = {
        "user": user,
        "digest_date": digest_date,
        "items": items,
        "count": len(items),
        "base_url": base_url,
        "site_title": settings.SITE_TITLE,
    }
    subject = " ".join(render_to_string("linfen_admin/email/digest_subject.txt", context).split())
    body = render_to_string("linfen_admin/email/digest_body.txt", context)
    return subject[:200], body


def _mark_attempt_failed(digest: EmailOutbox, error: str, *, now: datetime.datetime) -> bool:
    """Back to pending with a backoff, or failed after the last attempt. Returns True when it gave up."""
    digest.attempts += 1
    gave_up = digest.attempts >= max_attempts()
    EmailOutbox.objects.filter(pk=digest.pk, status=Status.SENDING).update(
        status=Status.FAILED if gave_up else Status.PENDING,
        attempts=F("attempts") + 1,
        last_error=error,
        next_attempt_at=None
        if gave_up
        else now + datetime.timedelta(seconds=backoff_seconds(digest.attempts)),
        claimed_at=None,
    )
    return gave_up


def _release(ids: list[int], *, until: datetime.datetime) -> int:
    if not ids:
        return 0
    return EmailOutbox.objects.filter(pk__in=ids, status=Status.SENDING).update(
        status=Status.PENDING, claimed_at=None, next_attempt_at=until
    )


def reclaim_stale(*, now: datetime.datetime | None = None) -> int:
    """Put digests stuck in *sending* (their flush died) back to pending."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(
        minutes=int(getattr(settings, "REMINDER_EMAIL_STALE_MINUTES", 30))
    )
    stale = EmailOutbox.objects.filter(status=Status.SENDING, claimed_at__lt=stale_before)
    given_up = stale.filter(attempts__gte=max_attempts() - 1).update(
        status=Status.FAILED,
        claimed_at=None,
        attempts=F("attempts") + 1,
        last_error="多次发送中断,已停止重试",
    )
    return given_up + stale.update(
        status=Status.PENDING, claimed_at=None, attempts=F("attempts") + 1, last_error="发送中断,已重新排队"
    )


def retry_digests(ids, *, queue_flush: bool = True) -> int:
    """Administrators' retry: failed digests go back to pending with a fresh attempt budget; the flush task is
    queued after commit (a rolled-back retry queues nothing)."""
    with transaction.atomic():
        count = EmailOutbox.objects.filter(pk__in=list(ids), status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        if count and queue_flush:
            from .tasks import flush_outbox_task

            flush_outbox_task.delay_on_commit()
    return count
