"""The one way any module puts a notice into people's inboxes: ``notify`` (or ``deliver`` for many at once).

Each notice is one ``Notification`` row, at most one per (rule, object, period, recipient): the
``notification_once`` unique constraint decides, through ``INSERT … ON CONFLICT DO NOTHING RETURNING``, so only the
rows really inserted count as new, even when two writers run at once. The new rows of recipients who want e-mail
join their daily digest (``outbox.enqueue``) in the same transaction: a crash loses or doubles nothing. The reminder
engine and every module's workflow notices go through here, so the digest sees them all.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, transaction
from django.utils import timezone

from . import outbox
from .bulk import insert_many
from .models import Notification
from .registry import ObjectRef

logger = logging.getLogger(__name__)

DEADLOCK_RETRIES = 3
TITLE_MAX = Notification._meta.get_field("title").max_length
PERIOD_MAX = Notification._meta.get_field("period").max_length
URL_MAX = Notification._meta.get_field("url").max_length
OBJECT_ID_MAX = Notification._meta.get_field("object_id").max_length


@dataclass(frozen=True)
class NoticeRow:
    """One (notice × recipient): the unique key plus what the inbox shows."""

    rule: str
    content_type_id: int
    object_id: str
    period: str
    recipient_id: int
    title: str
    body: str
    url: str
    wants_email: bool
    recipient_label: str

    @property
    def key(self) -> tuple:
        return (self.rule, self.content_type_id, self.object_id, self.period, self.recipient_id)


@dataclass
class Delivery:
    rows: int = 0  # distinct (notice × recipient) asked for
    created: int = 0  # inserted now
    emails: int = 0  # of those, queued into a digest

    @property
    def existing(self) -> int:
        return self.rows - self.created


def rows_for(
    *, rule: str, obj, period: str, recipients: Iterable, title: str, body: str = "", url: str = ""
) -> tuple[list[NoticeRow], int]:
    """The rows of one notice about ``obj`` (a saved instance or an ``ObjectRef``), and how many recipients were
    dropped (inactive, unsaved, duplicates)."""
    if getattr(obj, "pk", None) is None:
        raise ValueError(f"{rule}: notice object {obj!r} is not saved")
    period = str(period)
    if not period or len(period) > PERIOD_MAX:
        raise ValueError(f"{rule}: period {period!r} must be 1–{PERIOD_MAX} characters")
    object_id = str(obj.pk)
    if len(object_id) > OBJECT_ID_MAX:
        raise ValueError(f"{rule}: object id {object_id!r} is too long")
    url = str(url or "")
    if len(url) > URL_MAX:
        raise ValueError(f"{rule}: url longer than {URL_MAX} characters")
    title = str(title)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    model = obj.model if isinstance(obj, ObjectRef) else obj
    content_type_id = ContentType.objects.get_for_model(model).pk  # cached by ContentType's manager
    rows, seen, dropped = [], set(), 0
    for user in recipients:
        user_id = getattr(user, "pk", None)
        if user_id is None or user_id in seen or not getattr(user, "is_active", False):
            dropped += 1
            continue
        seen.add(user_id)
        rows.append(
            NoticeRow(
                rule=rule,
                content_type_id=content_type_id,
                object_id=object_id,
                period=period,
                recipient_id=user_id,
                title=title,
                body=str(body or ""),
                url=url,
                wants_email=bool(user.email_notifications and user.email),
                recipient_label=f"{user} <{user.email}>" if user.email else str(user),
            )
        )
    return rows, dropped


def deliver(rows: list[NoticeRow], *, digest_day=None) -> Delivery:
    """Insert the rows that do not exist yet and queue the new ones of e-mail recipients into today's digest."""
    digest_day = digest_day or timezone.localdate()
    unique = {row.key: row for row in rows}
    ordered = [
        unique[key] for key in sorted(unique)
    ]  # one lock order for every writer: no deadlock between them
    result = Delivery(rows=len(ordered))
    if not ordered:
        return result
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                inserted = _insert(ordered)
                to_mail = [
                    (notification_id, key[4]) for notification_id, key in inserted if unique[key].wants_email
                ]
                queued = outbox.enqueue(to_mail, day=digest_day)
            break
        except OperationalError:  # deadlock or serialization failure between concurrent writers: try again
            if attempt == DEADLOCK_RETRIES:
                raise
            logger.warning("notification batch hit a lock conflict, retrying (%s)", attempt)
    result.created, result.emails = len(inserted), queued
    return result


def notify(
    *,
    rule: str,
    obj,
    period: str,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    exclude=None,
) -> Delivery:
    """Put one notice about ``obj`` into each recipient's inbox (once per rule, object, period and recipient)
    and into the e-mail digest of those who want one. ``exclude`` (a user) is left out, e.g. whoever acted."""
    excluded = getattr(exclude, "pk", None)
    rows, _dropped = rows_for(
        rule=rule,
        obj=obj,
        period=period,
        title=title,
        body=body,
        url=url,
        recipients=[user for user in recipients if user.pk != excluded],
    )
    return deliver(rows)


def existing_keys(rows: list[NoticeRow]) -> set[tuple]:
    """Keys of ``rows`` already in the inbox (for a dry run)."""
    groups: dict[tuple, set[str]] = {}
    for row in rows:
        groups.setdefault((row.rule, row.content_type_id, row.period), set()).add(row.object_id)
    recipients = {row.recipient_id for row in rows}
    found = set()
    for (rule, content_type_id, period), object_ids in groups.items():
        found.update(
            Notification.objects.filter(
                rule=rule,
                content_type_id=content_type_id,
                period=period,
                object_id__in=object_ids,
                recipient_id__in=recipients,
            ).values_list("rule", "content_type_id", "object_id", "period", "recipient_id")
        )
    return found


_KEY_FIELDS = ["rule", "content_type", "object_id", "period", "recipient"]
_INSERT_FIELDS = [
    "recipient",
    "rule",
    "content_type",
    "object_id",
    "period",
    "title",
    "body",
    "url",
    "created_at",
]


def _insert(rows: list[NoticeRow]) -> list[tuple[int, tuple]]:
    """Insert, skipping keys that already exist; return (id, key) of the rows this statement really inserted."""
    created_at = timezone.now()
    returned = insert_many(
        Notification,
        _INSERT_FIELDS,
        [
            (
                row.recipient_id,
                row.rule,
                row.content_type_id,
                row.object_id,
                row.period,
                row.title,
                row.body,
                row.url,
                created_at,
            )
            for row in rows
        ],
        skip_conflicts_on=_KEY_FIELDS,
        returning=["id", *_KEY_FIELDS],
    )
    return [
        (pk, (rule, int(ct), str(object_id), period, int(recipient)))
        for pk, rule, ct, object_id, period, recipient in returned
    ]
