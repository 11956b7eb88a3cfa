from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = _("困难职工帮扶")

    def ready(self) -> None:
        from gonghui.assistance.audit_actions import ACTIONS
        from gonghui.core.audit import register_audit_actions

        register_audit_actions(ACTIONS)
        from gonghui.assistance import counters as assistance_counters
        from gonghui.assistance import models, models_funds, segments, services, tasks, todo
        from gonghui.core import counters, notify, registry
        from gonghui.core.schedule import register_periodic

        counters.register_counter_source(
            "assistance", assistance_counters.source, assistance_counters.PREFIXES
        )

        for model in (
            models.HardshipCase,
            models.CaseStep,
            models.CaseAttachment,
            models.ReviewBatch,
            models.IdentificationRule,
            models_funds.Fund,
            models_funds.FundEntry,
            models_funds.AssistanceRecord,
            models_funds.Campaign,
            models_funds.Allotment,
            models_funds.StudentApplication,
            models_funds.CivilList,
        ):
            registry.register_org_path_model(model, "org_path")
        registry.register_dissolve_guard("assistance.cases", services.cases_dissolve_guard)
        segments.register()
        registry.register_todo_provider("assistance.pending", todo.pending_work)
        register_periodic(
            "assistance.end_publicity",
            tasks.assistance_end_publicity,
            cron="20 * * * *",
            description=_("困难职工档案公示期满无异议的，报上级审批"),
        )
        registry.register_nav_item(
            "assistance.list",
            registry.NavItem(_("困难帮扶"), "assistance:list", "assistance.view", order=30),
        )
        registry.register_member_tile(
            "assistance.apply",
            registry.MemberTile(_("困难帮扶申请"), "assistance_m:home", order=30),
        )
        notify.register_template(
            "assistance.case.status",
            _("帮扶申请进展"),
            _("{name}，您的困难职工帮扶申请目前为“{status}”。"),
        )
