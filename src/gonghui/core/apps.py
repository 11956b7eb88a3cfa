from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("公共机制")

    def ready(self) -> None:
        from gonghui.core import audit, notify, registry
        from gonghui.core.models import OrgCounter

        registry.register_org_path_model(audit.AuditEvent, "org_path")
        registry.register_org_path_model(OrgCounter, "org_path")
        registry.register_nav_item("core.home", registry.NavItem(_("首页"), "core:home", order=0))
        registry.register_nav_item(
            "core.audit", registry.NavItem(_("操作日志"), "core:audit_list", "audit.view", order=85)
        )
        registry.register_shell_provider(
            "core.unread_notifications",
            lambda request: {"unread_notifications": notify.unread_count(request.user)},
        )
