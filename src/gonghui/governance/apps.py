from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "gonghui.governance"
    label = "governance"
    verbose_name = _("工会自身建设")

    def ready(self) -> None:
        from gonghui.core import counters, navigation, notify, registry
        from gonghui.core.audit import register_audit_actions
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic
        from gonghui.core.workflow import register_workflow
        from gonghui.governance import counters as governance_counters
        from gonghui.governance import tasks, todo
        from gonghui.governance.audit_actions import ACTIONS
        from gonghui.governance.models import Election
        from gonghui.governance.services import tree
        from gonghui.governance.services.elections import ELECTION_TRANSITIONS
        from gonghui.governance.services.terms import REMINDER_TEMPLATE

        register_audit_actions(ACTIONS)
        register_workflow(Election, ELECTION_TRANSITIONS)
        registry.register_merge_handler("governance.committees", tree.governance_merge)
        registry.register_dissolve_guard("governance.elections", tree.governance_dissolve_guard)
        for model in tree.KEPT_AT_MERGED_ORG:
            registry.keep_path(model, on="merge", reason="a merged union's governance history")
        counters.register_counter_source(
            "governance", governance_counters.source, governance_counters.PREFIXES
        )
        registry.register_todo_provider("governance.terms", todo.pending_work)
        register_periodic(
            "governance.terms_remind",
            tasks.governance_terms_remind,
            cron="30 7 * * *",
            description=_("提醒即将换届和逾期未换届的工会"),
        )
        notify.register_template(
            REMINDER_TEMPLATE,
            _("换届提醒"),
            _("以下委员会即将或已经到期换届（共{count}项）：\n{items}"),
        )
        navigation.register_section("governance", _("组织建设"), order=45, icon="⚑")
        navigation.register_items(
            "governance",
            [
                NavItem(_("委员会与换届"), "governance:index", "governance.view", 10),
                NavItem(_("建会"), "governance:formation", "governance.view", 20),
            ],
        )
        registry.register_member_tile(
            "governance.phone", registry.MemberTile(_("本会委员会"), "governance_m:home", 45)
        )
        # --- dues (会费, 经费, 经审): registrations of the dues block go below this line ---
        from gonghui.core import counters as core_counters
        from gonghui.core import ledger
        from gonghui.governance.models import audits as audit_models
        from gonghui.governance.models import dues as dues_models
        from gonghui.governance.models import funds as funds_models
        from gonghui.governance.services import dues as dues_services
        from gonghui.governance.services import funds as funds_services

        for purpose, label, prefix in (
            (dues_services.DUES_FUND, _("会费"), "governance.dues"),
            (dues_services.FUNDS_FUND, _("工会经费"), "governance.funds"),
        ):
            ledger.register_fund_purpose(
                purpose,
                label,
                owner="governance",
                capability=prefix,
                view_capability="governance.view",
                audit=ledger.FundAuditCodes(
                    created=f"{prefix}.fund_created",
                    deposited=f"{prefix}.deposited",
                    refunded=f"{prefix}.refunded",
                    bank_file=f"{prefix}.bank_file",
                ),
            )
        registry.register_merge_handler(
            "governance.dues",
            dues_services.dues_merge,
            handles=[
                dues_models.DuesMonth,
                dues_models.DuesPayment,
                funds_models.FundsMonth,
                funds_models.FundsReminder,
            ],
        )
        registry.keep_path(
            dues_models.SplitRule, on="merge", reason="a split rule stays with the org that set it"
        )
        registry.keep_path(
            audit_models.FundReview, on="merge", reason="a review is of the union it reviewed"
        )
        core_counters.register_counter_source(
            "governance.dues", dues_services.dues_counter_source, ("governance.dues.",)
        )
        core_counters.register_counter_source(
            "governance.funds", funds_services.funds_counter_source, ("governance.funds.",)
        )
        navigation.register_items(
            "governance",
            [
                NavItem(_("会费"), "governance:dues", "governance.view", 40),
                NavItem(_("工会经费"), "governance:funds", "governance.view", 50),
                NavItem(_("经费审查"), "governance:reviews", "governance.view", 60),
            ],
        )
        registry.register_member_tile(
            "governance.dues", registry.MemberTile(_("我的会费"), "governance_m:dues", order=60)
        )
