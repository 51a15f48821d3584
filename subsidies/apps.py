from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("技术改造专项资金")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from linfen_admin.registry import MenuEntry, Panel, ReminderRule, SeedLoader, registry
        from linfen_admin.roles import Role

        from . import demo, reminders, seed

        registry.add_seed_loader(SeedLoader("subsidies", seed.load_seed, order=30))
        registry.add_demo_loader(SeedLoader("subsidies", demo.load_demo, order=30))
        registry.add_reminder_rule(
            ReminderRule("subsidies.step_overdue", _("技改资金申报环节超时"), reminders.collect_overdue_steps)
        )
        registry.add_reminder_rule(
            ReminderRule(
                "subsidies.reevaluation_due",
                _("技改资金项目绩效再评价到期"),
                reminders.collect_reevaluations_due,
            )
        )
        registry.add_menu(
            MenuEntry(
                _("技改资金申报"),
                "subsidies:application-list",
                "subsidies.view_application",
                order=200,
                description=_("技术改造专项资金申报、审核与评审"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("技改资金看板"),
                "subsidies:dashboard",
                "subsidies.view_application",
                order=201,
                description=_("各环节数量与金额、各批次预算使用"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("奖励测算"),
                "subsidies:award-quote",
                "subsidies.view_awardrule",
                order=202,
                description=_("按第七条测算奖励金额"),
            )
        )

        read = (
            "subsidies.view_call",
            "subsidies.view_application",
            "subsidies.view_applicationtransition",
            "subsidies.view_document",
            "subsidies.view_awardrule",
            "subsidies.view_awardtier",
            "subsidies.view_steplimit",
            "subsidies.view_expertassignment",
            "subsidies.view_reviewcommittee",
            "subsidies.view_committeemember",
            "subsidies.view_allocationplan",
            "subsidies.view_allocationline",
            "subsidies.view_stagetotal",
        )
        for role in (
            Role.LEADER,
            Role.COUNTY_INDUSTRY,
            Role.CITY_INDUSTRY,
            Role.CITY_ENERGY,
            Role.EXPERT,
            Role.FINANCE,
        ):
            registry.grant(role, *read)
        registry.grant(
            Role.COUNTY_INDUSTRY,
            "subsidies.add_application",
            "subsidies.change_application",
            "subsidies.add_document",
        )
        for role in (Role.CITY_INDUSTRY, Role.CITY_ENERGY):
            registry.grant(
                role,
                "subsidies.add_call",
                "subsidies.change_call",
                "subsidies.add_document",
                "subsidies.add_reviewcommittee",
                "subsidies.add_allocationplan",
                "subsidies.change_allocationplan",
            )
        registry.grant(Role.EXPERT, "subsidies.change_expertassignment")
        registry.grant(Role.FINANCE, "subsidies.add_document")

        from .panels import subsidies_figures

        registry.add_panel(
            Panel(_("技术改造专项资金"), "subsidies.view_application", subsidies_figures, order=200)
        )

        from linfen_admin.registry import CockpitPanel

        from .cockpit import subsidies_section

        registry.add_cockpit_panel(
            CockpitPanel(_("技术改造专项资金"), "subsidies.view_application", subsidies_section, order=20)
        )
