"""``manage.py rebuild_subsidy_totals [--check]``: recompute the kept totals per call, region, state and category
(``subsidies.stagetotals``) from the applications — after a bulk load — or, with ``--check``, only prove they match
(exit status 1 and the differences when they do not)."""

from django.core.management.base import BaseCommand, CommandError

from subsidies import stagetotals


class Command(BaseCommand):
    help = "从申报重新计算各环节申报合计;--check 只核对,不一致时列出并以状态 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对,不修改")

    def handle(self, *args, check=False, **options):
        if check:
            problems = stagetotals.differences()
            if problems:
                for line in problems[:50]:
                    self.stderr.write(line)
                raise CommandError(f"{len(problems)} 处与申报不一致(运行 rebuild_subsidy_totals 重新计算)")
            self.stdout.write(self.style.SUCCESS("各环节申报合计与申报一致。"))
            return
        groups = stagetotals.rebuild()
        self.stdout.write(self.style.SUCCESS(f"已重新计算:{groups} 组。"))
