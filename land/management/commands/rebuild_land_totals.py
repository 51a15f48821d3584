"""``manage.py rebuild_land_totals [--check]``: recompute the running totals (each parcel's disposed area, the area
per region × kind × day, each region's parcel count) from the disposal records and the parcels — after a bulk load — or, with ``--check``, only prove they
match (exit status 1 and the differences when they do not)."""

from django.core.management.base import BaseCommand, CommandError

from land import totals


class Command(BaseCommand):
    help = "从处置记录重新计算宗地已处置面积、每日处置合计和各县宗地数;--check 只核对,不一致时列出并以状态 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对,不修改")

    def handle(self, *args, check=False, **options):
        if check:
            problems = totals.differences()
            if problems:
                for line in problems[:50]:
                    self.stderr.write(line)
                raise CommandError(f"{len(problems)} 处与处置记录不一致(运行 rebuild_land_totals 重新计算)")
            self.stdout.write(self.style.SUCCESS("累计数与处置记录一致。"))
            return
        counts = totals.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"已重新计算:宗地 {counts['parcels']} 宗,每日合计 {counts['days']} 行。")
        )
