from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemocracyConfig(AppConfig):
    name = "gonghui.democracy"
    label = "democracy"
    verbose_name = _("职代会与厂务公开")

    def ready(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.democracy.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
        from gonghui.core import counters, navigation, notify, registry
        from gonghui.core.navigation import NavItem
        from gonghui.democracy import counters as democracy_counters
        from gonghui.democracy import todo
        from gonghui.democracy.services import congress

        counters.register_counter_source(
            "democracy", democracy_counters.source, democracy_counters.PREFIXES
        )
        from gonghui.democracy.models import BallotRule, CompositionRule, Department
        from gonghui.democracy.services import tree
        from gonghui.democracy.services.ballot_engine import ENGINE

        registry.register_merge_handler(
            "democracy.congress",
            tree.democracy_merge,
            handles=tree.MOVED_WITH_ORG + tree.MOVED_BY_PATH,
        )
        for model in (CompositionRule, BallotRule, Department):  # one per org, or unique names
            registry.keep_path(model, on="merge", reason="the surviving union's own settings apply")
        from gonghui.core.workflow import register_workflow
        from gonghui.democracy.models import Ballot, Motion, Session
        from gonghui.democracy.services.ballots import BALLOT_TRANSITIONS
        from gonghui.democracy.services.motions import MOTION_TRANSITIONS

        register_workflow(Session, congress.SESSION_TRANSITIONS)
        register_workflow(Motion, MOTION_TRANSITIONS)
        register_workflow(Ballot, BALLOT_TRANSITIONS)
        registry.register_ballot_engine(ENGINE)
        registry.register_dissolve_guard("democracy.congress", congress.dissolve_guard)
        registry.register_todo_provider("democracy.pending", todo.pending_work)
        registry.register_overdue_source("democracy.deadlines", todo.overdue_notices)
        navigation.register_section("democracy", _("民主管理"), order=50, icon="✎")
        navigation.register_items(
            "democracy",
            [
                NavItem(_("职代会"), "democracy:index", "democracy.view", 10),
                NavItem(_("厂务公开"), "democracy:plan_list", "democracy.view", 20),
                NavItem(_("表决"), "democracy:ballot_list", "democracy.view", 30),
            ],
        )
        registry.register_member_tile(
            "democracy.phone", registry.MemberTile(_("职代会与厂务公开"), "democracy_m:home", 40)
        )
        notify.register_template(
            "democracy.motion.replied",
            _("提案已答复"),
            _("您的提案“{title}”已由{department}答复，请查看并评价。"),
        )
        notify.register_template(
            "democracy.session.materials",
            _("职代会会议材料"),
            _("{title}定于{date}召开，会议材料已送达，请登录查阅。"),
        )
        notify.register_template(
            "democracy.motion.returned",
            _("提案被退回"),
            _("您的提案“{title}”被退回：{reason}。"),
        )
