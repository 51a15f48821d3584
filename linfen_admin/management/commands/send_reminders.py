"""``manage.py send_reminders [--as-of YYYY-MM-DD] [--dry-run]``: the daily sweep without a broker."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from linfen_admin import outbox
from linfen_admin.reminders import run_reminders, summary_lines


def _date(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD: {raw}") from exc


class Command(BaseCommand):
    help = "发送到期提醒(站内提醒 + 每日邮件摘要);与 Celery 每日任务执行同一段代码。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, default=None, help="按哪一天计算(默认:上海时区的今天)")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒,不写入、不发送")
        parser.add_argument("--rule", action="append", dest="rules", help="只运行这些规则(可重复)")
        parser.add_argument("--no-flush", action="store_true", help="只写入站内提醒和发件箱,不立即发邮件")

    def handle(self, *args, as_of=None, dry_run=False, rules=None, no_flush=False, **options):
        if isinstance(as_of, str):  # call_command(as_of="…") skips the parser's type conversion
            as_of = _date(as_of)
        summary = run_reminders(as_of, dry_run=dry_run, rule_codes=rules)
        for line in summary_lines(summary):
            self.stdout.write(line)
        if not dry_run and not no_flush:
            result = outbox.flush_outbox()
            self.stdout.write(
                f"邮件: 已发送 {result.sent} 封,待重试 {result.retry_later + result.released} 封,"
                f"失败 {result.failed} 封"
            )
        if summary.errors:
            raise CommandError(f"{len(summary.errors)} 个提醒规则出错: {', '.join(summary.errors)}")
