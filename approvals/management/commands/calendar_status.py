"""``manage.py calendar_status``: which years the working-day calendar knows, and where each comes from."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.selectors import calendar_status


class Command(BaseCommand):
    help = "列出工作日历已知的年份及其来源(chinesecalendar 包或管理后台录入)。"

    def handle(self, *args, **options):
        rows = calendar_status()
        for row in rows:
            entry = row["entry"]
            if entry is None:
                line = _("%(year)s 年:chinesecalendar 包") % {"year": row["year"]}
            else:
                line = _("%(year)s 年:管理后台录入(%(title)s %(number)s,%(days)s 个放假/调休日期)") % {
                    "year": row["year"],
                    "title": entry.notice_title,
                    "number": entry.document_number,
                    "days": row["day_count"],
                }
                if row["overrides_package"]:
                    line += _(",覆盖 chinesecalendar 包")
            self.stdout.write(line)
        next_year = timezone.localdate().year + 1
        if next_year not in {row["year"] for row in rows}:
            self.stdout.write(
                self.style.WARNING(
                    _("尚无 %(year)s 年的节假日安排:国务院办公厅通知发布后,请在管理后台“工作日历”中录入。")
                    % {"year": next_year}
                )
            )
