"""座谈会: a meeting with workers, its participants and the items raised; each item becomes a
tracked appeal (channel 座谈会) or a 合理化建议, linked back to the forum."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.scoping import Actor, Viewer, require_capability, scoped
from gonghui.orgs.models import Org
from gonghui.voice.models import Channel, Forum, ForumItem, ProposalField
from gonghui.voice.services import appeals as services
from gonghui.voice.services import proposals


@transaction.atomic
def forum_create(
    *,
    actor: Actor,
    org: Org,
    title: str,
    held_on: dt.date,
    place: str = "",
    participants: str = "",
    summary: str = "",
) -> Forum:
    require_capability(actor, "voice.handle", org.path)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("请填写座谈会名称")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("召开日期不能晚于今天")})
    forum = Forum.objects.create(
        org=org,
        org_path=org.path,
        title=title,
        held_on=held_on,
        place=place.strip(),
        participants=participants.strip(),
        summary=summary.strip(),
        created_by=actor,
    )
    audit_record(
        action="voice.forum.created",
        actor=actor,
        target=forum,
        org_path=org.path,
        after={"title": title, "held_on": held_on},
    )
    return forum


@transaction.atomic
def forum_item_add(
    *,
    actor: Actor,
    forum: Forum,
    text: str,
    raised_by: str = "",
    kind: str = "appeal",
    category: str = "other",
    field: str = ProposalField.OTHER,
    title: str = "",
) -> ForumItem:
    """Record an item raised at the forum and open it as an appeal or a proposal at once."""
    require_capability(actor, "voice.handle", forum.org_path)
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError({"text": _("反映事项不能少于5个字")})
    raised_by = " ".join((raised_by or "").split())
    title = (" ".join((title or "").split()) or text.splitlines()[0])[:100]
    item = ForumItem(forum=forum, text=text, raised_by=raised_by)
    source = _("座谈会：%(t)s（%(d)s）") % {"t": forum.title, "d": forum.held_on.isoformat()}
    if kind == "proposal":
        item.proposal = proposals.proposal_submit(
            actor=actor,
            org=forum.org,
            field=field,
            title=title,
            content=text if len(text) >= 10 else f"{text}（{source}）",
            proposer=raised_by or _("座谈会与会职工"),
        )
    elif kind == "appeal":
        appeal = services.appeal_enter(
            actor=actor,
            org=forum.org,
            category=services.category_get(category),
            channel=Channel.FORUM,
            title=title,
            content=text,
            anonymous=not raised_by,
            contact_name=raised_by,
        )
        appeal.source = source[:100]
        appeal.save(update_fields=["source"])
        item.appeal = appeal
    else:
        raise ValidationError({"kind": _("请选择转为诉求或合理化建议")})
    item.save()
    return item


def forum_list(*, viewer: Viewer | None) -> QuerySet[Forum]:
    return scoped(Forum.objects.select_related("org"), viewer).order_by("-held_on", "-id")


def forum_get(*, viewer: Viewer | None, pk: int) -> Forum:
    forum = forum_list(viewer=viewer).filter(pk=pk).first()
    if forum is None:
        raise Http404
    return forum
