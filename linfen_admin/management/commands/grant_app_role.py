from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from linfen_admin.models import AuditEvent


def grant_statements(role: str) -> list[str]:
    """What the application role may do: read and write the product's rows, never alter, truncate or own a table,
    and on the audit trail only read and append (so it can neither rewrite, wipe nor un-trigger it)."""
    quoted = connection.ops.quote_name(role)
    audit = connection.ops.quote_name(AuditEvent._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {quoted}",
    ]


class Command(BaseCommand):
    help = (
        "PostgreSQL:把本系统各表的读写权限授予应用角色(审计表只允许查询和追加)。"
        "以表的所有者角色(运行 migrate 的角色)在每次 migrate 之后运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "role", help="应用角色,例如 linfen_app(DATABASE_URL 中 web、worker、beat 使用的角色)"
        )

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("只适用于 PostgreSQL;SQLite 没有数据库角色。")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"角色 {role} 不存在:请先 CREATE ROLE {role} LOGIN PASSWORD '…'")
            for statement in grant_statements(role):
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"已授予 {role}:读写业务表,审计表只读和追加。"))
