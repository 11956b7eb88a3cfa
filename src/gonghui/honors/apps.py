from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "gonghui.honors"
    label = "honors"
    verbose_name = _("劳模工匠与评先评优")

    def ready(self) -> None:
        self._ready_selection()
        # --- hon2 (aftercare) adds its registrations in its own method below ---
        self._ready_aftercare()

    def _ready_selection(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.core.workflow import register_workflow
        from gonghui.honors.audit_actions import ACTIONS
        from gonghui.honors.models import AwardCall, Honour, Nomination
        from gonghui.honors.services import moves

        register_audit_actions(ACTIONS)
        register_workflow(AwardCall, moves.CALL_TRANSITIONS)
        register_workflow(Nomination, moves.NOMINATION_TRANSITIONS)
        register_workflow(Honour, moves.HONOUR_TRANSITIONS)
        from gonghui.core import registry
        from gonghui.honors.services import tree

        registry.register_merge_handler(
            "honors.selection", tree.honors_merge, handles=tree.MOVED_WITH_ORG + tree.MOVED_BY_PATH
        )
        registry.register_dissolve_guard("honors.selection", tree.honors_dissolve_guard)
        from gonghui.core import counters
        from gonghui.honors import counters as honors_counters
        from gonghui.honors import segments

        counters.register_counter_source("honors", honors_counters.source, honors_counters.PREFIXES)
        segments.register()
        from gonghui.core import navigation
        from gonghui.core.navigation import NavItem
        from gonghui.honors import todo

        registry.register_todo_provider("honors.selection", todo.pending_work)
        navigation.register_section("honors", _("评先评优"), order=45, icon="★")
        navigation.register_items(
            "honors",
            [
                NavItem(_("评选"), "honors:calls", "honors.view", 10),
                NavItem(_("荣誉库"), "honors:roster", "honors.view", 20),
                NavItem(_("荣誉类型"), "honors:catalogue", "honors.view", 30),
            ],
        )
        registry.register_member_tile(
            "honors.publicity",
            registry.MemberTile(_("评先评优公示"), "honors_m:home", order=45),
        )

    def _ready_aftercare(self) -> None:
        """Terms, care, revocation, studios (hon2)."""
        from gonghui.core import ledger, navigation, notify, registry
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic
        from gonghui.core.workflow import register_workflow
        from gonghui.honors import tasks
        from gonghui.honors.models import CARE_FUND, AllowancePayable, Revocation
        from gonghui.honors.services import care, revocations, studios, terms

        register_workflow(Revocation, revocations.REVOCATION_TRANSITIONS)
        register_workflow(AllowancePayable, care.PAYABLE_TRANSITIONS)
        ledger.register_fund_purpose(
            CARE_FUND,
            _("劳模关爱资金"),
            owner="honors",
            capability="honors.care.fund",
            view_capability="honors.care.view",
            audit=ledger.FundAuditCodes(
                created="honors.care_fund.created",
                deposited="honors.care_fund.deposited",
                refunded="honors.care_fund.refunded",
                bank_file="honors.care_fund.bank_file",
            ),
        )
        ledger.register_payee(
            "honors.AllowancePayable", to_pay=care.payables_to_pay, to_sign=care.payables_to_sign
        )
        from gonghui.honors.models import AllowanceRate, TermRule
        from gonghui.honors.services import tree

        registry.register_merge_handler(
            "honors.aftercare",
            tree.aftercare_merge,
            handles=tree.AFTERCARE_WITH_ORG + tree.AFTERCARE_BY_PATH,
        )
        registry.keep_path(TermRule, on="merge", reason="the surviving union's thresholds apply")
        registry.keep_path(
            AllowanceRate, on="merge", reason="a rate stays with the org that set it"
        )
        registry.register_ballot_listener(terms.BALLOT_OWNER, terms.assessment_ballot_published)
        registry.register_handoff(studios.SUGGESTION_HANDOFF, studios.studio_suggestion_adopted)
        notify.register_template(
            terms.REMINDER_TEMPLATE,
            _("荣誉称号管理期即将届满"),
            _("以下{count}项荣誉称号的管理期将在90天内届满，请组织考核并确认或不再确认：\n{items}"),
        )
        register_periodic(
            "honors.allowances_generate",
            tasks.honors_allowances_generate,
            cron="10 1 1 * *",
            description=_("生成本月劳模荣誉津贴待发放记录"),
        )
        register_periodic(
            "honors.term_reminders",
            tasks.honors_term_reminders,
            cron="40 6 * * *",
            description=_("荣誉称号管理期届满前90天提醒"),
        )
        navigation.register_items(
            "honors",
            [
                NavItem(_("撤销荣誉"), "honors:revocation_list", "honors.care.view", 60),
                NavItem(_("荣誉津贴"), "honors:allowance_list", "honors.care.view", 70),
                NavItem(_("关爱慰问名单"), "honors:greetings", "honors.care.view", 75),
                NavItem(_("创新工作室"), "honors:studio_list", "honors.care.view", 80),
            ],
        )
        registry.register_member_tile(
            "honors.care",
            registry.MemberTile(_("我的荣誉与关爱"), "honors_m:my_care", order=45),
        )
