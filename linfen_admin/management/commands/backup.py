from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linfen_admin.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库(含审计记录)和上传的材料,生成一个 tar.gz 归档(仅本人可读)。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "backups"), help="归档目录")

    def handle(self, *args, output, **options):
        try:
            path = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已备份:{path}"))
