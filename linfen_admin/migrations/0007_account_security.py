"""Account security (first-login password change, sign-out everywhere, the separated administrators'
permissions) and, on PostgreSQL, a trigger refusing TRUNCATE of the audit table.

TRUNCATE skips row triggers, so 0002's trigger does not see it. The statement trigger here refuses it unless the
session set ``linfen.audit_truncate`` to ``allow`` — which only the test suite does, for Django's flush between
transactional tests. The application's role cannot TRUNCATE or disable triggers anyway (``grant_app_role``: it
neither owns the table nor holds TRUNCATE or TRIGGER); this stops the owner's slip, and says why.
"""

from django.db import migrations, models

TABLE = "linfen_admin_auditevent"
POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION linfen_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('linfen.audit_truncate', true), '') = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit trail is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER linfen_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION linfen_audit_no_truncate();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS linfen_audit_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS linfen_audit_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRES_FORWARD)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRES_REVERSE)


class Migration(migrations.Migration):

    dependencies = [
        ('linfen_admin', '0006_audit_login_failed'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['-at', '-id'], 'permissions': [('review_auditevent', '查阅、筛选和导出全部审计记录')], 'verbose_name': '审计记录', 'verbose_name_plural': '审计记录'},
        ),
        migrations.AlterModelOptions(
            name='user',
            options={'permissions': [('assign_roles', '分配角色、授予后台访问'), ('reset_two_factor', '重置他人的双因素认证')], 'verbose_name': '用户', 'verbose_name_plural': '用户'},
        ),
        migrations.AddField(
            model_name='user',
            name='must_change_password',
            field=models.BooleanField(default=False, help_text='管理员创建账号或重设密码后为是;本人修改密码后自动取消', verbose_name='下次登录须修改密码'),
        ),
        migrations.AddField(
            model_name='user',
            name='sessions_version',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='“退出所有设备”时加一,之前的会话全部失效', verbose_name='会话版本'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('create', '新增'), ('update', '修改'), ('delete', '删除'), ('transition', '流转'), ('import', '导入'), ('login', '登录'), ('login_failed', '登录失败'), ('export', '导出')], max_length=16, verbose_name='操作'),
        ),
        migrations.RunPython(forward, reverse),
    ]
