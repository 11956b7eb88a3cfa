from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = _("困难职工帮扶")

    def ready(self) -> None:
        from gonghui.assistance import counters as assistance_counters
        from gonghui.assistance import models, models_funds, services, todo
        from gonghui.core import counters, notify, registry

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
        registry.register_todo_provider("assistance.pending", todo.pending_work)
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
