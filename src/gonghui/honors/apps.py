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
