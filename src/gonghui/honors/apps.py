from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "gonghui.honors"
    label = "honors"
    verbose_name = _("劳模工匠与评先评优")

    def ready(self) -> None:
        self._ready_selection()
        # --- hon2 (aftercare) adds its registrations in its own method below ---

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
