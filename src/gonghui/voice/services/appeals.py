"""Every write to appeals and mailbox letters: one function per use case (DESIGN.md "Layout").

Who acts: the union that handles an appeal acts on it — an officer holding ``voice.handle`` in
a post at exactly that org (upper levels see their subtree but act only on what was transferred
or escalated to them, DESIGN.md rule 9). The submitter acts through their account (rate,
reopen), recognised by ``identity.owner_key``.

Deadlines and escalation (DESIGN.md rule 5): on receipt, ``core.deadlines.add_working_days``
computes the accept and reply deadlines from the category's row (defaults 3 and 15 working days)
and a second deadline, ``escalate_due``, a further ``escalate_days`` (default 5) working days after
the deadline of the current step. Once the first deadline passes, the item shows on the parent
union's to-do panel (``todo.pending_work``). Once the second passes it belongs to the parent:
``appeal_escalate_overdue`` (the periodic job ``voice.escalate_overdue``, every 15 minutes, and
the command ``gonghui voice_escalate_overdue``) moves it up with a trail row, and every service
first calls ``escalate_if_due`` under the row lock, so the move never waits for the job.
Mailbox letters stay with the chairman they were written to.

Anonymous appeals (DESIGN.md rule 2): no member, name, phone nor per-person value
(``owner_key``) is stored; the author gets a random 查询码 once (``Appeal.follow_code`` on the
returned instance), the appeal keeps its hash; the trail and the audit rows of the submitter's
own steps carry no actor and no IP; no notification goes to the submitter (a notification row
would link the account to the appeal) — they follow it with the code on their phone. Every
attachment is stored scrubbed of its author's metadata (``core.scrub``); an anonymous appeal
refuses a type that cannot be scrubbed.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import counters, scrub
from gonghui.core.audit import audit_record, request_ip
from gonghui.core.notify import notify
from gonghui.core.scoping import Actor, require_capability, within
from gonghui.core.workflow import history_record
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import directory_get
from gonghui.voice.models import (
    Appeal,
    AppealAttachment,
    AppealCategory,
    AppealKind,
    AppealStatus,
    Channel,
    Rating,
    StepAction,
)
from gonghui.voice.rules import reopen_refusal
from gonghui.voice.services.identity import follow_code_new, follow_digest, owner_key
from gonghui.voice.services.intake import (
    SUGGESTION,
    category_get,
    check_attachments,
    clean_text,
    ensure_categories,
)
from gonghui.voice.services.moves import (
    actor_name,
    move,
    rearm_escalation,
    reschedule_reply,
    schedule,
)

# Re-exported: callers (pages, API, forums, the demo) find categories here with the use cases.
__all__ = ["SUGGESTION", "category_get", "ensure_categories"]


# --- who acts -------------------------------------------------------------------------------


def handles(actor: Actor, appeal: Appeal) -> bool:
    """Whether ``actor`` is an officer of the handling union itself with ``voice.handle``."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    return any(
        path == appeal.org_path and "voice.handle" in caps
        for path, caps in getattr(actor, "post_capabilities", [])
    )


def _require_handler(actor: Actor, appeal: Appeal) -> None:
    require_capability(actor, "voice.handle", appeal.org_path)
    if not handles(actor, appeal):
        raise PermissionDenied(_("只有承办工会的干部可以办理"))


def attachment_open(*, actor: Actor, appeal: Appeal, attachment: Any) -> Any:
    """An attachment of an appeal in the actor's scope, decrypted; it may hold personal data,
    so every download leaves an audit row."""
    audit_record(
        action="voice.attachment.downloaded",
        actor=actor,
        target=appeal,
        org_path=appeal.org_path,
        after={"attachment": attachment.pk},
    )
    return attachment.file.open("rb")


def is_owner(actor: Actor | None, appeal: Appeal, *, code: str = "") -> bool:
    """The submitter: by their account for a signed appeal, by the 查询码 for an anonymous one."""
    if appeal.anonymous:
        digest = follow_digest(code)
        return bool(digest) and hmac.compare_digest(digest, appeal.follow_digest)
    key = owner_key(actor)
    return bool(key) and appeal.owner_key == key


def _step(
    appeal: Appeal,
    action: str,
    actor: Actor | None,
    *,
    before: str,
    opinion: str = "",
    label: str | None = None,
) -> None:
    history_record(
        appeal,
        action,
        actor=actor,
        from_state=before,
        to_state=appeal.status,
        reason=opinion,
        data={"org_name": appeal.org.name},  # the union that handled the step, at the time
        actor_label=label if label is not None else actor_name(actor),
    )
    counters.recount_source("voice", [appeal.org_path])  # every state change passes here


def _audit(appeal: Appeal, action: str, actor: Actor | None, before: str, **after: Any) -> None:
    audit_record(
        action=f"voice.appeal.{action}",
        actor=actor,
        target=appeal,
        target_label=appeal.number,
        org_path=appeal.org_path,
        before={"status": before},
        after={"status": appeal.status, **after},
    )


def _audit_anonymous(appeal: Appeal, action: str, before: str) -> None:
    """The submitter's own step of an anonymous appeal: no actor, no IP (DESIGN.md rule 2)."""
    with request_ip(None):
        _audit(appeal, action, None, before)


def _notify_submitter(appeal: Appeal, template: str, **data: Any) -> None:
    if appeal.anonymous or appeal.member is None or not appeal.member.account_id:
        return
    notify(
        template=template,
        data={"number": appeal.number, "title": appeal.title, **data},
        to_user=appeal.member.account,
        url=f"/m/voice/{appeal.pk}/",
    )


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("org", "category", "member")
        .get(pk=appeal.pk)
    )


def _create(
    *,
    kind: str,
    org: Org,
    category: AppealCategory,
    channel: str,
    title: str,
    content: str,
    anonymous: bool,
    member: Any,
    contact_name: str,
    contact_phone: str,
    owner: str,
    entered_by: Actor | None,
    source: str = "",
    attachments: Iterable[UploadedFile] = (),
) -> Appeal:
    if not org.is_active:
        raise ValidationError({"org": _("该工会已撤销或合并，不能受理")})
    title, content = clean_text(title, content)
    files = check_attachments(attachments)
    if anonymous and not all(scrub.scrubbable(f.name or "") for f in files):
        raise ValidationError(
            {
                "attachments": _(
                    "匿名诉求不能附旧版Word（.doc）文件：无法去除作者信息，请另存为docx或PDF"
                )
            }
        )
    code = follow_code_new() if anonymous else ""
    appeal = Appeal(
        kind=kind,
        category=category,
        channel=channel,
        title=title,
        content=content,
        source=source[:100],
        anonymous=anonymous,
        # Identity is never stored on an anonymous appeal, whatever the caller passed.
        member=None if anonymous else member,
        contact_name="" if anonymous else contact_name[:50],
        contact_phone="" if anonymous else contact_phone,
        # No per-person value on an anonymous appeal: the 查询码's hash instead.
        owner_key="" if anonymous else owner,
        follow_digest=follow_digest(code) if anonymous else "",
        entered_by=entered_by,
        org=org,
        org_path=org.path,
        origin_path=org.path,
    )
    schedule(appeal, timezone.localdate())
    appeal.save()
    for i, f in enumerate(files, 1):
        ext = (f.name or "").rsplit(".", 1)[-1].lower()
        # An anonymous submitter's file names may carry their name: keep only the type. The
        # stored file gets a random name either way (no personal text in storage paths).
        name = _("附件%(n)d.%(ext)s") % {"n": i, "ext": ext} if anonymous else (f.name or "")
        stored = scrub.scrub(f) if scrub.scrubbable(f.name or "") else f
        stored.name = f"{uuid.uuid4().hex}.{ext}"
        AppealAttachment.objects.create(appeal=appeal, file=stored, name=name[:120])
    appeal.follow_code = code
    return appeal


@transaction.atomic
def appeal_submit(
    *,
    actor: Actor,
    category: AppealCategory,
    title: str,
    content: str,
    anonymous: bool = False,
    kind: str = AppealKind.APPEAL,
    to_org: Org | None = None,
    attachments: Iterable[UploadedFile] = (),
) -> Appeal:
    """A member submits from their phone; it lands at their grassroots union (a letter goes to
    the chairman of ``to_org``, found through the directory, or of their own union)."""
    member = getattr(actor, "member", None) if getattr(actor, "is_authenticated", False) else None
    if member is None or not member.is_current:
        raise ValidationError(_("只有在册会员可以在线提交，请联系所在工会"))
    org = to_org if (kind == AppealKind.LETTER and to_org is not None) else member.union
    channel = Channel.PHONE
    appeal = _create(
        kind=kind,
        org=org,
        category=category,
        channel=channel,
        title=title,
        content=content,
        anonymous=anonymous,
        member=member,
        contact_name=member.name,
        contact_phone=member.phone,
        owner=owner_key(actor),
        entered_by=None,
        attachments=attachments,
    )
    if anonymous:
        _step(appeal, StepAction.SUBMITTED, None, before="", label=_("提出人（匿名）"))
        _audit_anonymous(appeal, "submitted", "")
    else:
        _step(appeal, StepAction.SUBMITTED, actor, before="", label=member.name)
        _audit(appeal, "submitted", actor, "")
    return appeal


@transaction.atomic
def appeal_enter(
    *,
    actor: Actor,
    org: Org,
    category: AppealCategory,
    channel: str,
    title: str,
    content: str,
    anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    member: Any = None,
    kind: str = AppealKind.APPEAL,
    attachments: Iterable[UploadedFile] = (),
) -> Appeal:
    """An officer registers an appeal on a worker's behalf (a 12351 call, a letter, a box)."""
    require_capability(actor, "voice.handle", org.path)
    if channel not in Channel.values or channel == Channel.CONGRESS:
        raise ValidationError({"channel": _("请选择渠道")})
    if member is not None and not within(member.org_path, org.path):
        raise ValidationError({"member": _("该会员不在本工会")})
    if not anonymous and not (contact_name or member):
        raise ValidationError({"contact_name": _("实名诉求请填写提出人姓名")})
    appeal = _create(
        kind=kind,
        org=org,
        category=category,
        channel=channel,
        title=title,
        content=content,
        anonymous=anonymous,
        member=member,
        contact_name=contact_name or (member.name if member else ""),
        contact_phone=contact_phone or (member.phone if member else ""),
        owner=owner_key(member.account) if (member and member.account_id) else "",
        entered_by=actor,
        attachments=attachments,
    )
    _step(appeal, StepAction.ENTERED, actor, before="", opinion=appeal.get_channel_display())
    _audit(appeal, "entered", actor, "", channel=channel)
    return appeal


def receive_motion(
    *, actor: Actor, org: Org, title: str, content: str, member: Any = None, source: str = ""
) -> Appeal:
    """The hand-off receiver ``voice.appeal.suggestion``: a congress motion turned into a
    suggestion arrives as an appeal of category 意见建议, channel 职代会提案. Runs inside the
    sender's transaction."""
    with transaction.atomic():
        appeal = _create(
            kind=AppealKind.APPEAL,
            org=org,
            category=category_get(SUGGESTION),
            channel=Channel.CONGRESS,
            title=title[:100],
            content=content,
            anonymous=False,
            member=member,
            contact_name=member.name if member is not None else "",
            contact_phone="",
            owner=owner_key(member.account) if (member and member.account_id) else "",
            entered_by=actor,
            source=source,
        )
        _step(appeal, StepAction.HANDED_OFF, actor, before="", opinion=source)
        _audit(appeal, "handed_off", actor, "", source=source)
    return appeal


# --- officers' steps -----------------------------------------------------------------------


def _officer_locked(appeal: Appeal, actor: Actor) -> Appeal:
    appeal = _locked(appeal)
    escalate_if_due(appeal, timezone.localdate())
    _require_handler(actor, appeal)
    return appeal


@transaction.atomic
def appeal_accept(*, actor: Actor, appeal: Appeal, opinion: str = "") -> Appeal:
    def apply(row: Appeal) -> None:
        row.accepted_at = timezone.now()
        rearm_escalation(row)

    appeal = _officer_locked(appeal, actor)
    appeal = move(appeal, "accept", actor, StepAction.ACCEPTED, opinion, apply=apply)
    _notify_submitter(appeal, "voice.appeal.accepted", union=appeal.org.name)
    return appeal


@transaction.atomic
def appeal_decline(*, actor: Actor, appeal: Appeal, reason: str) -> Appeal:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写不予受理的理由")})
    appeal = _officer_locked(appeal, actor)
    appeal = move(appeal, "decline", actor, StepAction.DECLINED, reason.strip())
    _notify_submitter(appeal, "voice.appeal.declined", reason=reason.strip())
    return appeal


@transaction.atomic
def appeal_transfer(*, actor: Actor, appeal: Appeal, to_code: str, reason: str) -> Appeal:
    """To the competent union, found through the org directory (readable by every account)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写转办理由")})
    target = directory_get(code=to_code or "")
    if target is None:
        raise ValidationError({"to_code": _("组织目录中没有该工会编码")})
    appeal = _officer_locked(appeal, actor)
    if target.pk == appeal.org_id:
        raise ValidationError({"to_code": _("不能转给本工会")})

    def apply(row: Appeal) -> None:
        row.org, row.org_path, row.department = target, target.path, ""
        schedule(row, timezone.localdate())

    opinion = _("由%(a)s转至%(b)s：%(r)s") % {
        "a": appeal.org.name,
        "b": target.name,
        "r": reason.strip(),
    }
    appeal = move(
        appeal,
        "transfer",
        actor,
        StepAction.TRANSFERRED,
        opinion,
        apply=apply,
        org_name=target.name,
        to=target.code,
    )
    _notify_submitter(appeal, "voice.appeal.transferred", union=target.name)
    return appeal


@transaction.atomic
def appeal_refer(*, actor: Actor, appeal: Appeal, department: str, reason: str) -> Appeal:
    """Hand to a government department (人社局劳动监察 …); the union keeps it and replies. No
    move of state: a trail row of its own."""
    department = " ".join((department or "").split())
    if not department:
        raise ValidationError({"department": _("请填写承办部门")})
    appeal = _officer_locked(appeal, actor)
    if appeal.status != AppealStatus.ACCEPTED:
        raise ValidationError(_("请先受理再转交部门"))
    appeal.department = department[:100]
    appeal.save()
    opinion = _("转交%(d)s：%(r)s") % {"d": department, "r": (reason or "").strip()}
    _step(appeal, StepAction.DEPARTMENT, actor, before=appeal.status, opinion=opinion)
    _audit(appeal, StepAction.DEPARTMENT, actor, appeal.status)
    return appeal


@transaction.atomic
def appeal_reply(*, actor: Actor, appeal: Appeal, reply: str) -> Appeal:
    """The written reply (答复函)."""
    reply = (reply or "").strip()
    if len(reply) < 5:
        raise ValidationError({"reply": _("答复意见不能少于5个字")})

    def apply(row: Appeal) -> None:
        now = timezone.now()
        row.reply, row.replied_at, row.replied_by_org = reply, now, row.org.name
        row.on_time = timezone.localdate(now) <= row.reply_due

    appeal = _officer_locked(appeal, actor)
    appeal = move(appeal, "answer", actor, StepAction.REPLIED, reply, apply=apply)
    _notify_submitter(appeal, "voice.appeal.replied", union=appeal.org.name)
    return appeal


# --- the submitter's steps -----------------------------------------------------------------


def _submitter_move(
    appeal: Appeal,
    actor: Actor | None,
    name: str,
    step: str,
    opinion: str,
    apply: Callable[[Appeal], None],
) -> Appeal:
    """The submitter's own move: of an anonymous appeal, with no actor and no IP."""
    anonymous = appeal.anonymous
    label = _("提出人（匿名）") if anonymous else appeal.contact_name
    return move(appeal, name, actor, step, opinion, apply=apply, anonymous=anonymous, label=label)


@transaction.atomic
def appeal_rate(
    *, actor: Actor | None, appeal: Appeal, rating: str, comment: str = "", code: str = ""
) -> Appeal:
    """The submitter rates the reply (``code``: the 查询码 of an anonymous appeal)."""
    appeal = _locked(appeal)
    if not is_owner(actor, appeal, code=code):
        raise PermissionDenied
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择评价")})

    def apply(row: Appeal) -> None:
        row.rating, row.rating_comment = rating, (comment or "").strip()[:300]
        row.rated_at = timezone.now()

    return _submitter_move(
        appeal, actor, "close", StepAction.RATED, str(Rating(rating).label), apply
    )


@transaction.atomic
def appeal_reopen(*, actor: Actor | None, appeal: Appeal, reason: str, code: str = "") -> Appeal:
    """The submitter, not satisfied, asks once for it to be handled again."""
    appeal = _locked(appeal)
    if not is_owner(actor, appeal, code=code):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明重新办理的理由")})
    refusal = reopen_refusal(
        status=appeal.status,
        reopened=appeal.reopened,
        rating=appeal.rating,
        rating_label=appeal.get_rating_display(),
    )
    if refusal:
        raise ValidationError(refusal)

    def apply(row: Appeal) -> None:
        row.reopened += 1
        row.rating, row.rated_at = "", None
        reschedule_reply(row, timezone.localdate())

    return _submitter_move(appeal, actor, "reopen", StepAction.REOPENED, reason.strip(), apply)


# --- escalation -------------------------------------------------------------------------------


def escalation_due(appeal: Appeal, today: dt.date) -> bool:
    """Appeals pass up; a mailbox letter stays with the chairman it was written to."""
    return (
        appeal.kind == AppealKind.APPEAL
        and appeal.is_open
        and today > appeal.escalate_due
        and appeal.org.parent_id is not None
    )


def escalate_if_due(appeal: Appeal, today: dt.date) -> bool:
    """The on-write check: an open appeal past its second deadline passes to the parent union
    before anyone acts on it (the periodic job ``voice.escalate_overdue`` does the same).
    ``appeal`` must be locked by the caller."""
    if not escalation_due(appeal, today):
        return False
    parent = appeal.org.parent
    assert parent is not None

    def apply(row: Appeal) -> None:
        row.org, row.org_path = parent, parent.path
        row.escalations += 1
        schedule(row, today)

    opinion = _("%(a)s逾期未办，移交%(b)s") % {"a": appeal.org.name, "b": parent.name}
    label = _("系统")
    move(
        appeal,
        "escalate",
        None,
        StepAction.ESCALATED,
        opinion,
        apply=apply,
        label=label,
        org_name=parent.name,
        to=parent.code,
    )
    return True


def appeal_escalate_overdue(*, today: dt.date | None = None, limit: int | None = None) -> int:
    """Escalate every open appeal past its second deadline (the ``limit`` longest overdue
    ones: the scheduled job's batch, the rest go at its next run), one transaction each."""
    today = today or timezone.localdate()
    overdue = Appeal.objects.filter(
        kind=AppealKind.APPEAL,
        status__in=[AppealStatus.SUBMITTED, AppealStatus.ACCEPTED],
        escalate_due__lt=today,
        org__parent__isnull=False,
    ).order_by("escalate_due", "pk")
    ids = list(overdue.values_list("pk", flat=True)[:limit])
    moved = 0
    for pk in ids:
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update(of=("self",)).select_related(
                "org", "category"
            )
            locked = appeal.get(pk=pk)
            moved += escalate_if_due(locked, today)
    return moved
