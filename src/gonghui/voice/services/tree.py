"""How the voice module takes part in the union tree's lifecycle (core.registry): an org with
open appeals may not be dissolved; merging unions carries appeals, proposals, campaigns and
forums to the surviving union."""

from __future__ import annotations

from django.utils.translation import ngettext

from gonghui.core import counters
from gonghui.core.scoping import Actor
from gonghui.orgs.models import Org
from gonghui.voice.models import OPEN_STATES, Appeal, Forum, Proposal, ProposalCampaign


def voice_dissolve_guard(org: Org) -> list[str]:
    count = Appeal.objects.filter(org=org, status__in=list(OPEN_STATES)).count()
    if not count:
        return []
    return [
        ngettext(
            "仍有%(n)d件诉求未办结，请先办结或转办",
            "仍有%(n)d件诉求未办结，请先办结或转办",
            count,
        )
        % {"n": count}
    ]


def voice_merge(*, source: Org, target: Org, actor: Actor) -> None:
    for model in (Appeal, Proposal, ProposalCampaign, Forum):
        model.objects.filter(org=source).update(org=target, org_path=target.path)
    # The appeals filed from the merged union's members now come from the surviving union.
    Appeal.objects.filter(origin_path=source.path).update(origin_path=target.path)
    counters.recount_source("voice", [source.path, target.path])
