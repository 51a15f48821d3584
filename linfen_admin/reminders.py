"""The reminder engine: one sweep over every registered ``ReminderRule``.

``run_reminders(as_of)`` asks each rule what is due on ``as_of`` (rules derive it from the database, so a sweep
after beat was down still finds what fell due meanwhile), and hands each (reminder × recipient) to
``notifications.deliver``, the shell's one notice service: at most one in-app ``Notification`` per (rule, object,
period, recipient), and the new rows of recipients who want e-mail join their daily digest in the same transaction.

The engine only ever narrows a rule's recipients (duplicates and inactive users are dropped); it never adds one.
It imports no module: rules come from ``registry.reminder_rules``.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import SweepRun
from .notifications import NoticeRow
from .registry import Reminder, ReminderRule, registry

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000  # notice rows per transaction (one INSERT on PostgreSQL, whatever the size)


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
        return {
            "code": self.code,
            "label": str(self.label),
            "reminders": self.reminders,
            "created": self.created,
            "existing": self.existing,
            "emails": self.emails,
            "dropped": self.dropped,
            "error": self.error,
        }


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
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "created": self.created,
            "existing": self.existing,
            "emails": self.emails,
            "errors": self.errors,
            "rules": [item.as_dict() for item in self.rules],
        }


def run_reminders(
    as_of: datetime.date | None = None, dry_run: bool = False, rule_codes: Iterable[str] | None = None
) -> SweepSummary:
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
    if not dry_run:
        SweepRun.objects.create(
            as_of=as_of, created=summary.created, emails=summary.emails, errors=summary.errors
        )
    logger.info(
        "reminder sweep %s%s: %s new, %s already sent, %s e-mails queued, errors: %s",
        as_of,
        " (dry run)" if dry_run else "",
        summary.created,
        summary.existing,
        summary.emails,
        summary.errors or "none",
    )
    return summary


def _run_rule(rule: ReminderRule, as_of, result: RuleResult, *, dry_run: bool, digest_day) -> None:
    pending: list[NoticeRow] = []
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


def _rows_for(rule: ReminderRule, reminder: Reminder, result: RuleResult) -> list[NoticeRow]:
    rows, dropped = notifications.rows_for(
        rule=rule.code,
        obj=reminder.obj,
        period=reminder.period,
        recipients=reminder.recipients,
        title=reminder.title,
        body=reminder.body,
        url=reminder.url,
    )
    result.dropped += dropped
    return rows


def _write(batch: list[NoticeRow], result: RuleResult, *, dry_run: bool, digest_day) -> None:
    if dry_run:
        rows = list({row.key: row for row in batch}.values())
        existing = notifications.existing_keys(rows)
        new_rows = [row for row in rows if row.key not in existing]
        result.existing += len(rows) - len(new_rows)
        result.created += len(new_rows)
        result.emails += sum(row.wants_email for row in new_rows)
        result.planned.extend(
            f"{row.recipient_label} · {row.title} [{row.period}]{' ✉' if row.wants_email else ''}"
            for row in sorted(new_rows, key=lambda row: row.key)
        )
        return
    delivery = notifications.deliver(batch, digest_day=digest_day)
    result.created += delivery.created
    result.existing += delivery.existing
    result.emails += delivery.emails


def summary_lines(summary: SweepSummary) -> list[str]:
    """Human-readable report for the management command."""
    head = "试运行(不写入、不发送)" if summary.dry_run else "已执行"
    lines = [f"提醒扫描 {summary.as_of.isoformat()} · {head}"]
    for item in summary.rules:
        verb = "将新增" if summary.dry_run else "新增"
        line = (
            f"  {item.code}({item.label}): 提醒 {item.reminders} 项,{verb}站内提醒 {item.created} 条,"
            f"已发过 {item.existing} 条,邮件 {item.emails} 条"
        )
        if item.error:
            line += f" —— 规则出错: {item.error}"
        lines.append(line)
        lines.extend(f"    {entry}" for entry in item.planned)
    lines.append(
        f"合计: 新增 {summary.created} 条,已发过 {summary.existing} 条,邮件 {summary.emails} 条,"
        f"出错规则 {len(summary.errors)} 个"
    )
    return lines
