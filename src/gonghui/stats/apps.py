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
        from gonghui.stats.models import OrgReport, SnapshotCounter

        for model in (SnapshotCounter, OrgReport):  # an annual report is frozen as it was filed
            registry.keep_path(model, on="move", reason="frozen figures of a past period")

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
