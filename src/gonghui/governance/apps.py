from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "gonghui.governance"
    label = "governance"
    verbose_name = _("工会自身建设")

    def ready(self) -> None:
        from gonghui.core import navigation
        from gonghui.core.audit import register_audit_actions
        from gonghui.core.navigation import NavItem
        from gonghui.governance.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
        from gonghui.core import registry
        from gonghui.governance.models import Committee, CommitteeSeat
        from gonghui.governance.services import tree

        registry.register_merge_handler("governance.committees", tree.governance_merge)
        for model in (Committee, CommitteeSeat):
            registry.keep_path(
                model, on="merge", reason="a merged union's committees are its history"
            )
        navigation.register_section("governance", _("组织建设"), order=45, icon="⚑")
        navigation.register_items(
            "governance",
            [
                NavItem(_("委员会与换届"), "governance:index", "governance.view", 10),
            ],
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
