from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "gonghui.benefits"
    label = "benefits"
    verbose_name = _("普惠服务")

    def ready(self) -> None:
        from gonghui.benefits.audit_actions import ACTIONS
        from gonghui.core.audit import register_audit_actions

        register_audit_actions(ACTIONS)
        from gonghui.benefits import counters as benefit_counters
        from gonghui.benefits import segments, tasks, todo
        from gonghui.benefits.models import Campaign, Complaint, Merchant, Offer, Redemption
        from gonghui.benefits.services import tree
        from gonghui.benefits.services.merchants import AGREEMENT_TEMPLATE
        from gonghui.core import counters, navigation, notify, registry
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic

        counters.register_counter_source(
            "benefits.merchants",
            benefit_counters.merchant_source,
            benefit_counters.MERCHANT_PREFIXES,
        )
        counters.register_counter_source("benefits.redemptions", benefit_counters.redemption_source)

        from gonghui.benefits.services.merchants import COMPLAINT_TRANSITIONS, TRANSITIONS
        from gonghui.core.workflow import register_workflow

        register_workflow(Merchant, TRANSITIONS)
        register_workflow(Complaint, COMPLAINT_TRANSITIONS)
        segments.register_builtin()
        registry.register_dissolve_guard("benefits.merchants", tree.benefits_dissolve_guard)
        registry.register_merge_handler(
            "benefits.merchants",
            tree.benefits_merge,
            handles=[Merchant, Campaign, Offer, Redemption, Complaint],
        )
        registry.register_todo_provider("benefits.merchants", todo.pending_work)
        register_periodic(
            "benefits.agreement_reminders",
            tasks.benefits_remind_agreements,
            cron="0 8 * * *",
            description=_("普惠商户协议即将到期和已到期提醒"),
        )
        notify.register_template(
            AGREEMENT_TEMPLATE,
            _("普惠商户协议到期提醒（{count}项）"),
            _("请及时续签协议或终止合作：\n{items}"),
        )
        navigation.register_section("benefits", _("普惠"), order=30, icon="♥")
        navigation.register_items(
            "benefits",
            [
                NavItem(_("普惠商户"), "benefits:merchant_list", "benefits.view", 10),
                NavItem(_("优惠"), "benefits:offer_list", "benefits.view", 20),
                NavItem(_("优惠活动"), "benefits:campaign_list", "benefits.view", 30),
                NavItem(_("核销记录"), "benefits:redemption_list", "benefits.view", 40),
                NavItem(_("投诉"), "benefits:complaint_list", "benefits.view", 50),
                NavItem(_("普惠报表"), "benefits:report", "benefits.view", 60),
            ],
        )
        registry.register_member_tile(
            "benefits.offers", registry.MemberTile(_("普惠优惠"), "benefits_m:offers", order=30)
        )
