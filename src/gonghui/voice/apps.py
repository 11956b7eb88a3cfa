from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "gonghui.voice"
    label = "voice"
    verbose_name = _("诉求与建议")

    def ready(self) -> None:
        from gonghui.core.audit import register_audit_actions
        from gonghui.voice.audit_actions import ACTIONS

        register_audit_actions(ACTIONS)
        from gonghui.core.workflow import register_workflow
        from gonghui.voice.models import Appeal, Proposal
        from gonghui.voice.services.moves import APPEAL_TRANSITIONS
        from gonghui.voice.services.proposals import PROPOSAL_TRANSITIONS

        register_workflow(Appeal, APPEAL_TRANSITIONS)
        register_workflow(Proposal, PROPOSAL_TRANSITIONS)
        from gonghui.core import counters, keys, navigation, notify, registry
        from gonghui.core.navigation import NavItem
        from gonghui.core.schedule import register_periodic
        from gonghui.voice import counters as voice_counters
        from gonghui.voice import tasks, todo
        from gonghui.voice.models import Forum, ProposalCampaign
        from gonghui.voice.services import appeals as services
        from gonghui.voice.services import identity, tree

        keys.register_rekey("voice.owner", identity.owner_rekey)
        counters.register_counter_source("voice", voice_counters.source, voice_counters.PREFIXES)
        registry.register_dissolve_guard("voice.appeals", tree.voice_dissolve_guard)
        registry.register_merge_handler(
            "voice.appeals",
            tree.voice_merge,
            handles=[Appeal, Proposal, ProposalCampaign, Forum],
        )
        registry.register_handoff("voice.appeal.suggestion", services.receive_motion)
        registry.register_todo_provider("voice.appeals", todo.pending_work)
        registry.register_overdue_source("voice.appeals", todo.overdue_notices)
        register_periodic(
            "voice.escalate_overdue",
            tasks.voice_escalate_overdue,
            cron="*/15 * * * *",
            description=_("逾期诉求升级到上级工会"),
        )
        navigation.register_section("voice", _("诉求"), order=60, icon="✉")
        navigation.register_items(
            "voice",
            [
                NavItem(_("诉求"), "voice:list", "voice.view", 10),
                NavItem(_("合理化建议"), "voice:proposal_list", "voice.view", 20),
            ],
        )
        registry.register_member_tile(
            "voice.appeals", registry.MemberTile(_("我的诉求"), "voice_m:list", order=40)
        )
        notify.register_template(
            "voice.appeal.accepted",
            _("诉求已受理"),
            _("您的诉求{number}“{title}”已由{union}受理。"),
        )
        notify.register_template(
            "voice.appeal.declined",
            _("诉求未予受理"),
            _("您的诉求{number}“{title}”未予受理：{reason}。"),
        )
        notify.register_template(
            "voice.appeal.transferred",
            _("诉求已转办"),
            _("您的诉求{number}“{title}”已转至{union}办理。"),
        )
        notify.register_template(
            "voice.appeal.replied",
            _("诉求已答复"),
            _("{union}已书面答复您的诉求{number}“{title}”，请查看并评价。"),
        )
