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
