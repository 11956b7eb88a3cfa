from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from gonghui.accounts.audit_actions import ACTIONS
        from gonghui.core.audit import register_audit_actions

        register_audit_actions(ACTIONS)
        from gonghui.accounts import chrome, todo
        from gonghui.core import navigation, registry
        from gonghui.core.navigation import NavItem

        registry.register_todo_provider("accounts.locked", todo.locked_officers)
        registry.register_shell_provider("accounts.acting_post", chrome.shell_context)
        navigation.register_items(
            "system",
            [
                NavItem(_("干部账号"), "accounts:officer_list", "accounts.officer.manage", 10),
                NavItem(_("权限矩阵"), "accounts:capability_matrix", "orgs.view", 20),
            ],
        )
