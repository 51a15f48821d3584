from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("承接下放行政审批事项")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from linfen_admin.registry import MenuEntry, Panel, SeedLoader, registry
        from linfen_admin.roles import WORK_ROLES, Role

        from . import reminders
        from .demo import load_demo
        from .seed import load_items

        registry.add_seed_loader(SeedLoader("approvals", load_items, order=30))
        registry.add_demo_loader(SeedLoader("approvals", load_demo, order=30))

        registry.add_menu(
            MenuEntry(
                _("审批事项"),
                "approvals:item-list",
                "approvals.view_item",
                order=300,
                description=_("临政发〔2022〕5 号承接的 19 项行政审批事项"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("办件"),
                "approvals:case-list",
                "approvals.view_case",
                order=310,
                description=_("受理、延期、办结;临期与超期"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("临期/超期办件"),
                "approvals:case-due",
                "approvals.view_case",
                order=320,
                description=_("3 个工作日内到期和已超期的办件"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("双随机抽查"),
                "approvals:draw-list",
                "approvals.view_inspectiondraw",
                order=330,
                description=_("抽取检查对象和检查人员,录入检查结果"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("承接情况"),
                "approvals:handover",
                "approvals.view_handoverchecklist",
                order=340,
                description=_("放得开、接得住、管得好"),
            )
        )

        registry.add_menu(
            MenuEntry(
                _("投诉举报"),
                "approvals:complaint-list",
                "approvals.view_complaint",
                order=335,
                description=_("投诉举报的受理、交办监管部门和办结"),
            )
        )

        registry.add_menu(
            MenuEntry(
                _("监管台账"),
                "approvals:supervision-list",
                "approvals.view_supervision",
                order=332,
                description=_("审批决定后纳入本部门事中事后监管的办件"),
            )
        )

        everyone_reads = [
            "approvals.view_item",
            "approvals.view_risklevel",
            "approvals.view_workcalendaryear",
            "approvals.view_workcalendarday",
        ]
        for role in WORK_ROLES:
            registry.grant(role, *everyone_reads)
        registry.grant(
            Role.APPROVAL_OFFICER,
            "approvals.view_case",
            "approvals.add_case",
            "approvals.change_case",
            "approvals.view_licensedentity",
            "approvals.add_licensedentity",
            "approvals.change_licensedentity",
            "approvals.view_creditblacklist",
            "approvals.view_inspectiondraw",
            "approvals.view_drawnentity",
            "approvals.view_handoverchecklist",
            "approvals.change_handoverchecklist",
            "approvals.view_complaint",
            "approvals.add_complaint",
            "approvals.change_complaint",
        )
        registry.grant(
            Role.INSPECTOR,
            "approvals.view_inspectiondraw",
            "approvals.add_inspectiondraw",
            "approvals.view_drawnentity",
            "approvals.change_drawnentity",
            "approvals.view_licensedentity",
            "approvals.view_creditblacklist",
            "approvals.add_creditblacklist",
            "approvals.view_complaint",
            "approvals.add_complaint",
            "approvals.change_complaint",
            "approvals.view_supervision",
        )
        registry.grant(
            Role.LEADER,
            *[
                f"approvals.view_{model}"
                for model in (
                    "item",
                    "case",
                    "licensedentity",
                    "creditblacklist",
                    "risklevel",
                    "inspectiondraw",
                    "drawnentity",
                    "handoverchecklist",
                    "complaint",
                    "supervision",
                    "workcalendaryear",
                    "workcalendarday",
                )
            ],
        )
        for rule in reminders.RULES:
            registry.add_reminder_rule(rule)

        from .panels import approvals_figures

        registry.add_panel(
            Panel(_("承接下放行政审批事项"), "approvals.view_case", approvals_figures, order=300)
        )

        from linfen_admin.registry import CockpitPanel

        from .cockpit import approvals_section

        registry.add_cockpit_panel(
            CockpitPanel(_("承接下放行政审批事项"), "approvals.view_case", approvals_section, order=30)
        )
