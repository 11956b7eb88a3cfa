from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("公共机制")

    def ready(self) -> None:
        from gonghui.core import audit, keys, notify, registry, storage, tasks
        from gonghui.core.audit_actions import ACTIONS
        from gonghui.core.models import CounterDelta, OrgCounter, SubtreeCounter
        from gonghui.core.schedule import register_periodic

        audit.register_audit_actions(ACTIONS)
        keys.register_rekey("core.files", storage.reseal_all_files)
        registry.register_org_path_model(audit.AuditEvent, "org_path")
        registry.register_org_path_model(OrgCounter, "org_path")
        registry.register_org_path_model(CounterDelta, "org_path")
        registry.register_org_path_model(SubtreeCounter, "org_path")
        registry.register_nav_item("core.home", registry.NavItem(_("首页"), "core:home", order=0))
        registry.register_nav_item(
            "core.audit", registry.NavItem(_("操作日志"), "core:audit_list", "audit.view", order=85)
        )
        registry.register_nav_item(
            "core.schedule",
            registry.NavItem(_("定时任务"), "core:schedule", order=95, superuser=True),
        )
        registry.register_nav_item(
            "core.queue", registry.NavItem(_("任务队列"), "core:queue", order=96, superuser=True)
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
