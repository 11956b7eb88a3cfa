from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    label = "orgs"
    verbose_name = _("工会组织")

    def ready(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.orgs.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
        from gonghui.core import counters, navigation, registry
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic
        from gonghui.orgs import counters as org_counters
        from gonghui.orgs import selectors, tasks, todo
        from gonghui.orgs.models import Employer, Org, Post
        from gonghui.orgs.services import orgs as services

        registry.register_tree(Org, "path")
        registry.register_merge_handler("orgs.employers", None, handles=[Employer])
        registry.keep_path(Post, on="merge", reason="a merged org's posts end there, on record")
        registry.register_dissolve_guard("orgs.tree", services.org_dissolve_guard)
        counters.register_counter_source("orgs", org_counters.source)
        registry.register_todo_provider("orgs.unorganized", todo.unorganized_employers)
        registry.register_officer_finder("orgs.posts", selectors.officers_to_tell)
        register_periodic(
            "orgs.counters_check",
            tasks.orgs_check_counters,
            cron="0 4 * * *",
            description=_("抽样重算组织统计计数，发现不一致时告警（不自动更正）"),
        )
        navigation.register_section("orgs", _("组织"), order=10, icon="⌂")
        navigation.register_items(
            "orgs",
            [
                NavItem(_("组织树"), "orgs:tree", "orgs.view", 10),
                NavItem(_("查找组织"), "orgs:search", "orgs.view", 20),
                NavItem(_("用人单位"), "orgs:employer_list", "orgs.view", 30),
            ],
        )
