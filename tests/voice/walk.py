"""Objects of the other county that tests/test_scoping_walk.py walks (its own leak test)."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from gonghui.voice.models import Appeal, AppealAttachment, AppealKind, Forum, Proposal
from gonghui.voice.services import appeals as services
from gonghui.voice.services import forums, proposals
from tests.conftest import Cast, fresh

TITLE = "东区诉求机密标题"
LETTER = "东区主席信箱机密来信"
CONTENT = "东区职工反映的机密内容"
CALLER = "东区来电人乙"
IDEA = "东区合理化建议机密名称"
CAMPAIGN = "东区机密献策月"
FORUM = "东区机密座谈会"

# text of these objects that must never show to the sibling officer
SECRETS: list[str] = [TITLE, LETTER, CONTENT, CALLER, IDEA, CAMPAIGN, FORUM]


def _appeals(cast: Cast) -> tuple[Appeal, Appeal]:
    appeal = Appeal.objects.filter(title=TITLE).first()
    officer = fresh(cast.grassroots_officer)
    if appeal is None:
        appeal = services.appeal_enter(
            actor=officer,
            org=cast.grassroots,
            category=services.category_get("wage"),
            channel="hotline",
            title=TITLE,
            content=CONTENT,
            contact_name=CALLER,
            contact_phone="13800000001",
        )
        services.appeal_accept(actor=officer, appeal=appeal)
        appeal = services.appeal_reply(actor=officer, appeal=appeal, reply=CONTENT + "的答复")
        AppealAttachment.objects.create(
            appeal=appeal, file=ContentFile(CONTENT.encode(), name="walk.txt"), name="walk.txt"
        )
    letter = Appeal.objects.filter(title=LETTER).first() or services.appeal_enter(
        actor=officer,
        org=cast.grassroots,
        category=services.category_get("other"),
        channel="letter",
        kind=AppealKind.LETTER,
        title=LETTER,
        content=CONTENT,
        anonymous=True,
    )
    return appeal, letter


def _others(cast: Cast) -> tuple[Proposal, Forum]:
    officer = fresh(cast.grassroots_officer)
    proposal = Proposal.objects.filter(title=IDEA).first()
    if proposal is None:
        campaign = proposals.campaign_create(
            actor=officer,
            org=cast.grassroots,
            name=CAMPAIGN,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 5, 31),
        )
        proposal = proposals.proposal_submit(
            actor=officer,
            org=cast.grassroots,
            campaign=campaign,
            field="saving",
            title=IDEA,
            content=CONTENT + "，建议改造空压机余热回收。",
            proposer=CALLER,
        )
    forum = Forum.objects.filter(title=FORUM).first() or forums.forum_create(
        actor=officer, org=cast.grassroots, title=FORUM, held_on=dt.date(2026, 6, 1)
    )
    return proposal, forum


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    appeal, letter = _appeals(cast)
    proposal, forum = _others(cast)
    assert proposal.campaign_id is not None
    pks = [str(appeal.pk), str(letter.pk)]
    fid = str(appeal.attachments.first().pk)  # type: ignore[union-attr]
    return {
        "voice:detail": {"pk": pks},
        "voice:reply_letter": {"pk": pks},
        "voice:attachment": {"pk": pks, "fid": [fid]},
        "voice:action": {"pk": pks, "action": ["accept", "decline", "transfer", "refer", "reply"]},
        "voice_m:detail": {"pk": pks},
        "voice_m:action": {"pk": pks, "action": ["rate", "reopen"]},
        "voice_m:follow_action": {"action": ["rate", "reopen"]},
        "api:appeal_detail": {"id": pks},
        "voice:proposal_detail": {"pk": [str(proposal.pk)]},
        "voice:proposal_action": {
            "pk": [str(proposal.pk)],
            "action": ["review", "adopt", "reject", "implement", "reward"],
        },
        "voice:campaign_detail": {"pk": [str(proposal.campaign_id)]},
        "voice:forum_detail": {"pk": [str(forum.pk)]},
    }
