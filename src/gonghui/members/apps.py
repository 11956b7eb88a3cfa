from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = _("会员")

    def ready(self) -> None:
        from gonghui.core import registry
        from gonghui.members import services
        from gonghui.members.models import Member, MembershipChange, Transfer

        registry.register_org_path_model(Member, "org_path")
        registry.register_org_path_model(MembershipChange, "org_path")
        registry.register_org_path_model(Transfer, "from_path")
        registry.register_org_path_model(Transfer, "to_path")
        registry.register_dissolve_guard("members.members", services.members_dissolve_guard)
        registry.register_merge_handler("members.members", services.members_merge)
        registry.register_nav_item(
            "members.list", registry.NavItem(_("会员"), "members:list", "members.view", order=15)
        )
