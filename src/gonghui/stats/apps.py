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
        from gonghui.core import navigation, registry
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic
        from gonghui.core.workbench import register_figure_source
        from gonghui.stats import tasks, workbench
        from gonghui.stats.models import OrgReport, SnapshotCounter, SnapshotSubtree

        for model in (
            SnapshotCounter,
            SnapshotSubtree,
            OrgReport,
        ):  # an annual report is frozen as it was filed
            registry.keep_path(model, on="move", reason="frozen figures of a past period")

        from gonghui.core.workflow import register_workflow
        from gonghui.stats.services.reports import TRANSITIONS

        register_workflow(OrgReport, TRANSITIONS)
        navigation.register_section("stats", _("统计"), order=70, icon="▤")
        navigation.register_items(
            "stats",
            [NavItem(_("统计概览"), "stats:dashboard", "stats.view", 10)],
        )
        register_figure_source("stats.key_figures", workbench.key_figures)
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
