from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("公共机制")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from gonghui.core import audit, keys, navigation, notify, registry, spreads, storage, tasks
        from gonghui.core.audit_actions import ACTIONS
        from gonghui.core.models import CounterDelta, OrgCounter, SubtreeCounter
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic

        audit.register_audit_actions(ACTIONS)
        connection_created.connect(spreads.install_sqlite_function)
        keys.register_rekey("core.files", storage.reseal_all_files)
        from gonghui.core import checks  # noqa: F401  (registers the org-path system checks)

        registry.keep_path(
            audit.AuditEvent, on="merge", reason="the record of what happened at the merged org"
        )
        registry.keep_path(
            CounterDelta,
            on="merge",
            reason="folded as they are",
        )
        registry.keep_path(
            SubtreeCounter,
            on="merge",
            reason="children's sums move with them",
        )
        registry.keep_path(
            OrgCounter, on="merge", reason="each module's merge handler recounts both orgs"
        )
        from gonghui.core import ledger
        from gonghui.core.models_ledger import Fund, LedgerEntry

        registry.register_merge_handler(
            "core.ledger", ledger.ledger_merge, handles=[Fund, LedgerEntry]
        )
        navigation.register_section("system", _("系统"), order=90, icon="⚙")
        navigation.register_items(
            "system",
            [
                NavItem(_("操作日志"), "core:audit_list", "audit.view", order=30),
                NavItem(_("工作日历"), "core:calendar_list", superuser=True, order=40),
                NavItem(_("定时任务"), "core:schedule", order=50, superuser=True),
                NavItem(_("任务队列"), "core:queue", order=60, superuser=True),
            ],
        )
        register_periodic(
            "core.prune_audit",
            tasks.prune_audit_task,
            cron="30 3 * * *",
            description=_("删除超过保存期限的操作日志、定时任务记录和提醒记录"),
        )
        register_periodic(
            "core.prune_files",
            tasks.prune_files_task,
            cron="40 3 * * *",
            description=_("删除超过保存期限的导入文件、问题行工作簿和导出文件"),
        )
        register_periodic(
            "core.notify_overdue",
            tasks.notify_overdue_task,
            cron="0 8 * * *",
            description=_("待办事项逾期时提醒经办干部（每项只提醒一次）"),
        )
        register_periodic(
            "core.import_reap",
            tasks.reap_import_jobs_task,
            cron="*/2 * * * *",
            description=_("把执行进程已终止的导入任务标记为失败（未写入任何数据，可重新导入）"),
        )
        notify.register_template(
            "core.deadline.overdue",
            _("{count}项待办已逾期"),
            _("以下事项已过期限，请尽快办理：\n{items}"),
        )
        notify.register_template(
            "core.counters.drift",
            _("统计计数校验：{count}个组织与重算不一致"),
            _("抽样重算发现以下计数与存储值不一致（未自动更正，请排查原因后重建统计）：\n{items}"),
        )
        registry.register_shell_provider(
            "core.unread_notifications",
            lambda request: {"unread_notifications": notify.unread_count(request.user)},
        )
