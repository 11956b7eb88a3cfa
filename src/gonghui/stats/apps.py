from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "gonghui.stats"
    label = "stats"
    verbose_name = _("统计")

    def ready(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.stats.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
        from gonghui.core import registry
        from gonghui.core.schedule import register_periodic
        from gonghui.stats import tasks

        registry.register_nav_item(
            "stats.dashboard",
            registry.NavItem(_("统计"), "stats:dashboard", "stats.view", order=80),
        )
        register_periodic(
            "stats.monthly_snapshot",
            tasks.stats_monthly_snapshot,
            cron="5 0 1 * *",
            description=_("保存上月各组织统计数字的快照（趋势图和同比使用）"),
        )
        register_periodic(
            "stats.rollups_refresh",
            tasks.stats_rollups_refresh,
            cron="*/5 * * * *",
            description=_("把各组织计数的新近变动汇总到上级组织（统计页显示汇总时间）"),
        )
