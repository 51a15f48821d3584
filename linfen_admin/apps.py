from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinfenAdminConfig(AppConfig):
    name = "linfen_admin"
    verbose_name = _("组织与平台")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import checks  # noqa: F401 - registers the deploy checks
        from .registry import MenuEntry, SeedLoader, registry
        from .roles import AUDIT_PERMISSIONS, SECURITY_PERMISSIONS, Role
        from .seed import load_core
        from .signals import record_login, record_login_failure

        user_logged_in.connect(record_login, dispatch_uid="linfen_audit_login")
        user_login_failed.connect(record_login_failure, dispatch_uid="linfen_audit_login_failed")
        registry.add_seed_loader(SeedLoader("core", load_core, order=0))
        registry.add_menu(
            MenuEntry(
                _("领导驾驶舱"),
                "cockpit",
                None,
                order=10,
                description=_("三项工作的进度、图表和钻取"),
                needs_cockpit=True,
            )
        )
        registry.add_menu(
            MenuEntry(
                _("审计日志"),
                "audit-log",
                "linfen_admin.review_auditevent",
                order=920,
                description=_("全部操作记录的筛选和导出"),
            )
        )
        registry.add_menu(MenuEntry(_("站内提醒"), "inbox", None, order=900, description=_("到期和逾期提醒")))
        registry.add_menu(
            MenuEntry(_("API 文档"), "api-docs", None, order=950, description=_("接口说明(OpenAPI 3)"))
        )
        registry.grant(Role.ADMIN, "*")
        registry.grant(
            Role.SECURITY_ADMIN, *SECURITY_PERMISSIONS, "linfen_admin.view_user", "linfen_admin.change_user"
        )
        registry.grant(Role.AUDIT_ADMIN, *AUDIT_PERMISSIONS)
        for role in Role:
            registry.grant(
                role,
                "linfen_admin.view_region",
                "linfen_admin.view_department",
                "linfen_admin.view_auditevent",
            )
