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
        from gonghui.assistance.models import HardshipCase
        from gonghui.assistance.models import funds as models_funds
        from gonghui.assistance.services import campaigns, funds
        from gonghui.assistance.services.moves import CASE_TRANSITIONS
        from gonghui.core.workflow import register_workflow

        register_workflow(HardshipCase, CASE_TRANSITIONS)
        register_workflow(models_funds.AssistanceRecord, funds.RECORD_TRANSITIONS)
        register_workflow(models_funds.StudentApplication, campaigns.STUDENT_TRANSITIONS)
        from gonghui.assistance import counters as assistance_counters
        from gonghui.assistance import models, segments, tasks, todo
        from gonghui.assistance.models import funds as models_funds
        from gonghui.assistance.services import cases as services
        from gonghui.assistance.services import tree
        from gonghui.core import counters, navigation, notify, registry
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic

        counters.register_counter_source(
            "assistance", assistance_counters.source, assistance_counters.PREFIXES
        )

        registry.register_merge_handler(
            "assistance.cases",
            tree.assistance_merge,
            handles=tree.MOVED_WITH_ORG + tree.MOVED_BY_PATH,
        )
        registry.keep_path(
            models.IdentificationRule, on="merge", reason="the surviving union's rules apply"
        )
        registry.keep_path(models.ReviewBatch, on="merge", reason="the merged org's review year")
        registry.keep_path(
            models_funds.Allotment, on="merge", reason="a quota stays with the org it was given"
        )
        registry.register_dissolve_guard("assistance.cases", services.cases_dissolve_guard)
        segments.register()
        from gonghui.assistance.services import funds
        from gonghui.core import ledger

        for code, label in models_funds.FundKind.choices:
            ledger.register_fund_purpose(
                code,
                label,
                owner="assistance",
                capability="assistance.fund",
                view_capability="assistance.view",
                audit=ledger.FundAuditCodes(
                    created="assistance.fund.created",
                    deposited="assistance.fund.deposited",
                    refunded="assistance.fund.refunded",
                    bank_file="assistance.fund.bank_file",
                ),
            )
        ledger.register_payee(
            "assistance.AssistanceRecord",
            to_pay=funds.records_to_pay,
            to_sign=funds.records_to_sign,
        )
        registry.register_todo_provider("assistance.pending", todo.pending_work)
        register_periodic(
            "assistance.end_publicity",
            tasks.assistance_end_publicity,
            cron="20 * * * *",
            description=_("困难职工档案公示期满无异议的，报上级审批"),
        )
        navigation.register_section("assistance", _("帮扶"), order=40, icon="✚")
        navigation.register_items(
            "assistance",
            [NavItem(_("困难职工档案"), "assistance:list", "assistance.view", 10)],
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
