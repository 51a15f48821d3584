from django.core.management.base import BaseCommand

from linfen_admin.registry import registry


class Command(BaseCommand):
    help = "载入参考数据(fixtures/):行政区域、部门、角色、2022 年专项行动与任务、19 项审批事项、奖励规则。可重复运行。"

    def handle(self, *args, **options):
        for loader in registry.seed_loaders:
            counts = loader.load()
            summary = ", ".join(f"{label} {count}" for label, count in counts.items())
            self.stdout.write(f"[{loader.name}] {summary}")
        self.stdout.write(self.style.SUCCESS("参考数据已载入。"))
