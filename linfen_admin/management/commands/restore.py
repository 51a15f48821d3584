from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linfen_admin.backup import BackupError, restore


class Command(BaseCommand):
    help = "把 backup 生成的归档恢复到一个空数据库(DATABASE_URL 指向的库)和 MEDIA_ROOT。不会覆盖已有数据。"

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        try:
            result = restore(
                Path(archive), db=settings.DATABASES["default"], media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {result['created_at']} 的备份:{len(result['migrations'])} 个迁移,{result['media_restored']} 个文件。"
                "请接着运行 migrate(升级到当前版本)并重启服务。"
            )
        )
