from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "gonghui.stats"
    label = "stats"
    verbose_name = _("统计")

    def ready(self) -> None:
        from gonghui.core import registry

        registry.register_nav_item(
            "stats.dashboard",
            registry.NavItem(_("统计"), "stats:dashboard", "stats.view", order=80),
        )
