"""``manage.py flush_outbox``: send the due e-mail digests now, without a broker."""

from django.core.management.base import BaseCommand

from linfen_admin import outbox


class Command(BaseCommand):
    help = "发送发件箱中到期的每日邮件摘要。"

    def handle(self, *args, **options):
        total = outbox.FlushResult()
        while True:
            result = outbox.flush_outbox()
            total.sent += result.sent
            total.retry_later += result.retry_later + result.released
            total.failed += result.failed
            total.reclaimed += result.reclaimed
            if not result.claimed or result.retry_later or result.released:
                break
        self.stdout.write(
            f"邮件: 已发送 {total.sent} 封,待重试 {total.retry_later} 封,失败 {total.failed} 封,"
            f"重新排队 {total.reclaimed} 封"
        )
