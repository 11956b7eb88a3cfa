from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "gonghui.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.demo.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
