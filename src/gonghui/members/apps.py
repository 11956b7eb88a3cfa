from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = _("会员")

    def ready(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.members.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
        from gonghui.core import counters, navigation, notify, registry, spreads
        from gonghui.core.navigation import NavItem
        from gonghui.core.workflow import register_workflow
        from gonghui.members import counters as member_counters
        from gonghui.members import registrations, todo
        from gonghui.members.models import (
            CorrectionRequest,
            JoinApplication,
            Member,
            MembershipChange,
            Transfer,
        )
        from gonghui.members.services import applications, corrections
        from gonghui.members.services import members as services

        register_workflow(Member, services.MEMBER_TRANSITIONS)
        register_workflow(Transfer, services.TRANSFER_TRANSITIONS)
        register_workflow(JoinApplication, applications.APPLICATION_TRANSITIONS)
        register_workflow(CorrectionRequest, corrections.CORRECTION_TRANSITIONS)
        registry.keep_path(
            MembershipChange, on="merge", reason="a member's history: where each change happened"
        )
        registry.register_dissolve_guard("members.members", services.members_dissolve_guard)
        registry.register_merge_handler(
            "members.members", services.members_merge, handles=[Member, Transfer, JoinApplication]
        )
        registry.register_todo_provider("members.pending", todo.pending_work)
        registrations.register()  # the member's phone pages (/m/) and correction requests
        counters.register_counter_source("members", member_counters.source)
        for dimension in member_counters.DIMENSIONS:
            spreads.register_dimension(dimension)
        navigation.register_section("members", _("会员"), order=20, icon="☺")
        navigation.register_items(
            "members",
            [
                NavItem(_("会员名册"), "members:list", "members.view", 10),
                NavItem(_("登记会员"), "members:register", "members.manage", 20),
                NavItem(_("转会"), "members:transfer_list", "members.view", 30),
            ],
        )
        notify.register_template(
            "members.member.registered",
            _("入会登记完成"),
            _("{name}，您已登记为{union}会员，会员卡号 {card}。"),
        )
        notify.register_template(
            "members.member.status", _("会籍变化"), _("{name}，您的会籍已办理“{change}”。")
        )
        notify.register_template(
            "members.transfer.accepted",
            _("转会完成"),
            _("{name}，您的工会组织关系已转入{union}。"),
        )
        notify.register_template(
            "members.application.rejected",
            _("入会申请未获批准"),
            _("{union}未批准您的入会申请：{reason}。"),
        )
        notify.register_template(
            "members.transfer.rejected",
            _("转会被退回"),
            _("{name}，{union}退回了您的转会：{note}。"),
        )
