from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from linfen_admin.demo import DEMO_USERS, load_demo_users
from linfen_admin.registry import registry
from linfen_admin.reminders import run_reminders, summary_lines


class Command(BaseCommand):
    help = "添加演示用户(每个角色一个,密码取自 DEMO_PASSWORD)和演示数据。仅在 DEBUG 开启时可用。可重复运行。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG 未开启:演示账号和演示数据不能进入生产环境。请在开发环境设置 DEBUG=1 后再运行。"
            )
        call_command("load_seed", stdout=self.stdout)
        counts = load_demo_users()
        self.stdout.write(f"[users] {counts}")
        for loader in registry.demo_loaders:
            counts = loader.load()
            summary = ", ".join(f"{label} {count}" for label, count in counts.items())
            self.stdout.write(f"[{loader.name}] {summary}")
        # Today's reminders, so that the demo inboxes show what the daily sweep produces (mail stays queued).
        summary = run_reminders()
        for line in summary_lines(summary):
            self.stdout.write(f"[reminders] {line.strip()}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号(密码取自 DEMO_PASSWORD):"))
        for username, full_name, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {full_name}")
