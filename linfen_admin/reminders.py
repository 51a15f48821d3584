"""The reminder engine: one sweep over every registered ``ReminderRule``.

``run_reminders(as_of)`` asks each rule what is due on ``as_of`` (rules derive it from the database, so a sweep
after beat was down still finds what fell due meanwhile), and for each (reminder × recipient) writes one in-app
``Notification`` — at most once per (rule, object, period, recipient): the ``notification_once`` unique constraint
decides, through ``INSERT … ON CONFLICT DO NOTHING RETURNING``, so only the rows this sweep really inserted count as
new, even when two sweeps run at once. The new rows of recipients who want e-mail join their daily digest
(``outbox.enqueue``) in the same transaction as the notifications themselves: a crash loses or doubles nothing.

The engine only ever narrows a rule's recipients (duplicates and inactive users are dropped); it never adds one.
It imports no module: rules come from ``registry.reminder_rules``.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connections, router, transaction
from django.utils import timezone

from . import outbox
from .models import Notification
from .registry import Reminder, ReminderRule, registry

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # reminder rows per transaction
DEADLOCK_RETRIES = 3
_TITLE_MAX = Notification._meta.get_field("title").max_length
_PERIOD_MAX = Notification._meta.get_field("period").max_length
_URL_MAX = Notification._meta.get_field("url").max_length
_OBJECT_ID_MAX = Notification._meta.get_field("object_id").max_length


@dataclass(frozen=True)
class _Row:
    """One (reminder × recipient): the unique key plus what the inbox shows."""

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
class RuleResult:
    code: str
    label: str
    reminders: int = 0  # reminders the rule yielded
    created: int = 0  # in-app notifications this sweep inserted (dry run: would insert)
    existing: int = 0  # (rule, object, period, recipient) already notified by an earlier sweep
    emails: int = 0  # new notifications queued into a digest (dry run: would queue)
    dropped: int = 0  # recipients dropped: inactive or unsaved users, duplicates
    error: str = ""
    planned: list[str] = field(default_factory=list)  # dry run: one line per would-be notification

    def as_dict(self) -> dict:
        return {"code": self.code, "label": str(self.label), "reminders": self.reminders, "created": self.created,
                "existing": self.existing, "emails": self.emails, "dropped": self.dropped, "error": self.error}


@dataclass
class SweepSummary:
    as_of: datetime.date
    dry_run: bool
    rules: list[RuleResult] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(item.created for item in self.rules)

    @property
    def existing(self) -> int:
        return sum(item.existing for item in self.rules)

    @property
    def emails(self) -> int:
        return sum(item.emails for item in self.rules)

    @property
    def errors(self) -> dict[str, str]:
        return {item.code: item.error for item in self.rules if item.error}

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run, "created": self.created,
                "existing": self.existing, "emails": self.emails, "errors": self.errors,
                "rules": [item.as_dict() for item in self.rules]}


def run_reminders(as_of: datetime.date | None = None, dry_run: bool = False,
                  rule_codes: Iterable[str] | None = None) -> SweepSummary:
    """Sweep every registered rule (or only ``rule_codes``) for ``as_of`` (default: today in Asia/Shanghai).

    A rule that raises is logged and reported in the summary; the other rules still run. ``dry_run`` writes
    nothing (the sweep runs inside a transaction that is rolled back) and lists what would be sent.
    """
    as_of = as_of or timezone.localdate()
    wanted = set(rule_codes) if rule_codes is not None else None
    rules = [rule for rule in list(registry.reminder_rules) if wanted is None or rule.code in wanted]
    summary = SweepSummary(as_of=as_of, dry_run=dry_run)
    digest_day = timezone.localdate()  # the day the mail goes out, whatever ``as_of`` a catch-up run uses
    for rule in rules:
        result = RuleResult(code=rule.code, label=rule.label)
        summary.rules.append(result)
        if dry_run:
            with transaction.atomic():
                _run_rule(rule, as_of, result, dry_run=True, digest_day=digest_day)
                transaction.set_rollback(True)
        else:
            _run_rule(rule, as_of, result, dry_run=False, digest_day=digest_day)
    logger.info("reminder sweep %s%s: %s new, %s already sent, %s e-mails queued, errors: %s", as_of,
                " (dry run)" if dry_run else "", summary.created, summary.existing, summary.emails,
                summary.errors or "none")
    return summary


def _run_rule(rule: ReminderRule, as_of, result: RuleResult, *, dry_run: bool, digest_day) -> None:
    pending: list[_Row] = []
    try:
        for reminder in rule.collect(as_of):
            result.reminders += 1
            pending.extend(_rows_for(rule, reminder, result))
            if len(pending) >= BATCH_SIZE:
                batch, pending = pending, []
                _write(batch, result, dry_run=dry_run, digest_day=digest_day)
        if pending:
            batch, pending = pending, []
            _write(batch, result, dry_run=dry_run, digest_day=digest_day)
    except Exception as exc:  # one broken rule must not stop the others
        logger.exception("reminder rule %s failed for %s", rule.code, as_of)
        result.error = f"{type(exc).__name__}: {exc}"[:500]


def _rows_for(rule: ReminderRule, reminder: Reminder, result: RuleResult) -> list[_Row]:
    obj = reminder.obj
    if getattr(obj, "pk", None) is None:
        raise ValueError(f"{rule.code}: reminder object {obj!r} is not saved")
    period = str(reminder.period)
    if not period or len(period) > _PERIOD_MAX:
        raise ValueError(f"{rule.code}: period {period!r} must be 1–{_PERIOD_MAX} characters")
    object_id = str(obj.pk)
    if len(object_id) > _OBJECT_ID_MAX:
        raise ValueError(f"{rule.code}: object id {object_id!r} is too long")
    url = str(reminder.url or "")
    if len(url) > _URL_MAX:
        raise ValueError(f"{rule.code}: url longer than {_URL_MAX} characters")
    title = str(reminder.title)
    if len(title) > _TITLE_MAX:
        title = title[: _TITLE_MAX - 1] + "…"
    content_type_id = ContentType.objects.get_for_model(obj).pk  # cached by ContentType's manager
    rows, seen = [], set()
    for user in reminder.recipients:
        user_id = getattr(user, "pk", None)
        if user_id is None or user_id in seen or not getattr(user, "is_active", False):
            result.dropped += 1
            continue
        seen.add(user_id)
        rows.append(_Row(
            rule=rule.code, content_type_id=content_type_id, object_id=object_id, period=period,
            recipient_id=user_id, title=title, body=str(reminder.body or ""), url=url,
            wants_email=bool(user.email_notifications and user.email),
            recipient_label=f"{user} <{user.email}>" if user.email else str(user),
        ))
    return rows


def _write(batch: list[_Row], result: RuleResult, *, dry_run: bool, digest_day) -> None:
    unique = {row.key: row for row in batch}
    rows = [unique[key] for key in sorted(unique)]  # one lock order for every sweep: no deadlock between them
    if dry_run:
        existing = _existing_keys(rows)
        new_rows = [row for row in rows if row.key not in existing]
        result.existing += len(rows) - len(new_rows)
        result.created += len(new_rows)
        result.emails += sum(row.wants_email for row in new_rows)
        result.planned.extend(
            f"{row.recipient_label} · {row.title} [{row.period}]{' ✉' if row.wants_email else ''}"
            for row in new_rows
        )
        return
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                inserted = _insert_notifications(rows)
                by_key = {row.key: row for row in rows}
                to_mail = [(notification_id, key[4]) for notification_id, key in inserted if by_key[key].wants_email]
                queued = outbox.enqueue(to_mail, day=digest_day)
            break
        except OperationalError:  # deadlock or serialization failure between concurrent sweeps: try again
            if attempt == DEADLOCK_RETRIES:
                raise
            logger.warning("reminder batch for %s hit a lock conflict, retrying (%s)", result.code, attempt)
    result.created += len(inserted)
    result.existing += len(rows) - len(inserted)
    result.emails += queued


def _existing_keys(rows: list[_Row]) -> set[tuple]:
    groups: dict[tuple, set[str]] = {}
    for row in rows:
        groups.setdefault((row.rule, row.content_type_id, row.period), set()).add(row.object_id)
    recipients = {row.recipient_id for row in rows}
    found = set()
    for (rule, content_type_id, period), object_ids in groups.items():
        found.update(
            Notification.objects.filter(rule=rule, content_type_id=content_type_id, period=period,
                                        object_id__in=object_ids, recipient_id__in=recipients)
            .values_list("rule", "content_type_id", "object_id", "period", "recipient_id")
        )
    return found


_KEY_FIELDS = ["rule", "content_type", "object_id", "period", "recipient"]
_INSERT_FIELDS = ["recipient", "rule", "content_type", "object_id", "period", "title", "body", "url", "created_at"]


def _insert_notifications(rows: list[_Row]) -> list[tuple[int, tuple]]:
    """Insert, skipping keys that already exist; return (id, key) of the rows this statement really inserted."""
    if not rows:
        return []
    alias = router.db_for_write(Notification)
    connection = connections[alias]
    if connection.vendor not in {"postgresql", "sqlite"}:  # pragma: no cover - the product runs on these two
        raise NotImplementedError("the reminder engine needs INSERT … ON CONFLICT DO NOTHING RETURNING")
    meta = Notification._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in _INSERT_FIELDS]
    key_columns = [meta.get_field(name).column for name in _KEY_FIELDS]
    created_at = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = []
    for row in rows:
        params.extend([row.recipient_id, row.rule, row.content_type_id, row.object_id, row.period, row.title,
                       row.body, row.url, created_at])
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}, {', '.join(quote(c) for c in key_columns)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    return [(pk, (rule, int(ct), str(object_id), period, int(recipient)))
            for pk, rule, ct, object_id, period, recipient in returned]


def summary_lines(summary: SweepSummary) -> list[str]:
    """Human-readable report for the management command."""
    head = "试运行(不写入、不发送)" if summary.dry_run else "已执行"
    lines = [f"提醒扫描 {summary.as_of.isoformat()} · {head}"]
    for item in summary.rules:
        verb = "将新增" if summary.dry_run else "新增"
        line = (f"  {item.code}({item.label}): 提醒 {item.reminders} 项,{verb}站内提醒 {item.created} 条,"
                f"已发过 {item.existing} 条,邮件 {item.emails} 条")
        if item.error:
            line += f" —— 规则出错: {item.error}"
        lines.append(line)
        lines.extend(f"    {entry}" for entry in item.planned)
    lines.append(f"合计: 新增 {summary.created} 条,已发过 {summary.existing} 条,邮件 {summary.emails} 条,"
                 f"出错规则 {len(summary.errors)} 个")
    return lines
