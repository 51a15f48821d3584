import csv
import os

from django.core.management.base import BaseCommand, CommandError

from linfen_admin.accounts import StaffSheetInvalid, read_staff_sheet, staff_import, system_user
from linfen_admin.exports import inert_row


class Command(BaseCommand):
    help = (
        "从 xlsx 或 csv 人员名单批量创建账号(列:用户名、姓名、角色、县(市、区)、部门、邮箱)。"
        "全部校验通过才写入;每人生成一个随机初始密码,写入 --passwords-out 指定的文件(仅本人可读)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("sheet")
        parser.add_argument("--passwords-out", required=True, help="初始密码清单(csv),请当面或加密转交后删除")

    def handle(self, *args, sheet, passwords_out, **options):
        try:
            created = staff_import(actor=system_user(), rows=read_staff_sheet(sheet))
        except StaffSheetInvalid as exc:
            raise CommandError("名单有误,未创建任何账号:\n" + "\n".join(map(str, exc.errors))) from exc
        descriptor = os.open(passwords_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["用户名", "姓名", "初始密码"])
            for user, password in created:
                writer.writerow(inert_row([user.username, user.full_name, password]))
        self.stdout.write(self.style.SUCCESS(f"已创建 {len(created)} 个账号,初始密码见 {passwords_out}"))
