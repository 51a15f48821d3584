from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "land"
    verbose_name = _("“批而未用”土地清理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from linfen_admin.registry import MenuEntry, Panel, SeedLoader, registry
        from linfen_admin.roles import Role

        from . import reminders, totals
        from .demo import load_land_demo
        from .seed import load_land_reference

        ledger = (
            "land.view_parcel",
            "land.view_parcelcount",
            "land.add_parcel",
            "land.change_parcel",
            "land.view_disposalrecord",
            "land.add_disposalrecord",
            "land.change_disposalrecord",
            "land.delete_disposalrecord",
        )
        reference_view = (
            "land.view_campaign",
            "land.view_phase",
            "land.view_milestone",
            "land.view_reportdeadline",
            "land.view_taskquota",
            "land.view_interview",
            "land.view_quarternotice",
        )
        registry.grant(Role.COUNTY_LAND, *ledger, *reference_view)
        registry.grant(
            Role.CITY_LAND,
            *ledger,
            *reference_view,
            "land.add_campaign",
            "land.change_campaign",
            "land.add_phase",
            "land.change_phase",
            "land.delete_phase",
            "land.add_milestone",
            "land.change_milestone",
            "land.delete_milestone",
            "land.add_reportdeadline",
            "land.change_reportdeadline",
            "land.delete_reportdeadline",
            "land.add_taskquota",
            "land.change_taskquota",
            "land.supervise_parcel",
            "land.add_interview",
            "land.change_interview",
            "land.add_quarternotice",
            "land.change_quarternotice",
        )
        registry.grant(
            Role.LEADER,
            "land.view_parcel",
            "land.view_parcelcount",
            "land.view_disposalrecord",
            *reference_view,
        )
        # 挂牌督办, report documents and the 报件 register (``land.oversight``)
        oversight_view = (
            "land.view_supervision",
            "land.view_supervisionreport",
            "land.view_deadlinereport",
            "land.view_landapplication",
        )
        county_oversight = (
            "land.add_supervisionreport",
            "land.add_deadlinereport",
            "land.add_landapplication",
        )
        registry.grant(Role.COUNTY_LAND, *oversight_view, *county_oversight)
        registry.grant(
            Role.CITY_LAND,
            *oversight_view,
            *county_oversight,
            "land.add_supervision",  # the service further requires land.supervise_parcel
            "land.change_supervision",
            "land.submit_city_report",
        )
        registry.grant(Role.LEADER, *oversight_view)

        registry.add_region_listener(totals.sync_region_order)  # the ledger's copy of each region's order
        registry.add_seed_loader(SeedLoader("land", load_land_reference, order=20))
        registry.add_demo_loader(SeedLoader("land", load_land_demo, order=20))
        from .oversight.demo import load_oversight_demo

        registry.add_demo_loader(SeedLoader("land-oversight", load_oversight_demo, order=21))
        registry.add_menu(
            MenuEntry(
                _("宗地台账"),
                "land:parcel-list",
                "land.view_parcel",
                order=20,
                description=_("批而未供和闲置土地工作台账、处置记录"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("宗地地图"),
                "land:map",
                "land.view_parcel",
                order=20,
                description=_("逐地块上图:按处置状态着色,挂牌督办、闲置费和收回标记"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("清理进度"),
                "land:dashboard",
                "land.view_taskquota",
                order=21,
                description=_("各县(市、区)任务完成情况、时间节点与季通报"),
            )
        )
        for label, url, permission, description in (
            (
                _("挂牌督办"),
                "land:supervision-list",
                "land.view_supervision",
                _("挂牌督办事项、督办进展与解除"),
            ),
            (
                _("报送情况"),
                "land:report-status",
                "land.view_deadlinereport",
                _("实施方案、工作总结的报送与逾期未报"),
            ),
            (
                _("建设用地报件"),
                "land:application-list",
                "land.view_landapplication",
                _("报件登记与暂停受理"),
            ),
        ):
            registry.add_menu(MenuEntry(label, url, permission, order=21, description=description))
        registry.add_menu(
            MenuEntry(
                _("约谈与通报批评"),
                "land:interview-list",
                "land.view_interview",
                order=21,
                description=_("约谈提议的确认、约谈记录与整改落实情况"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("季通报"),
                "land:notice-list",
                "land.view_quarternotice",
                order=21,
                description=_("季通报的起草、修改、发布与查阅"),
            )
        )
        registry.add_menu(
            MenuEntry(
                _("表格导入"),
                "land:import",
                "land.add_parcel",
                order=22,
                description=_("导入任务分解表(附件 2)和宗地清单"),
            )
        )
        for rule in reminders.RULES:
            registry.add_reminder_rule(rule)

        from .jobs import JOB_KINDS

        for kind in JOB_KINDS:
            registry.add_job_kind(kind)

        from linfen_admin.registry import CockpitPanel

        from .cockpit import land_section
        from .panels import land_figures

        registry.add_cockpit_panel(
            CockpitPanel(_("“批而未用”土地清理"), "land.view_taskquota", land_section, order=10)
        )

        registry.add_panel(Panel(_("“批而未用”土地清理"), "land.view_parcel", land_figures, order=100))
