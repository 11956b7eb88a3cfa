"""Registrations of the member's phone pages (called from MembersConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gonghui.core import notify, registry
from gonghui.core.registry import MemberTile, TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere, scoped


def correction_todo(viewer: Viewer) -> Iterable[TodoItem]:
    """待办: correction requests and lost cards awaiting the union, for officers who manage."""
    from gonghui.members.models import Card, CardStatus, Member, MemberStatus
    from gonghui.members.services.corrections import correction_list

    if not holds_anywhere(viewer, "members.manage"):
        return
    pending = correction_list(viewer=viewer).count()
    if pending:
        yield TodoItem(
            title=ngettext(
                "%(n)d份会员信息更正申请待审核", "%(n)d份会员信息更正申请待审核", pending
            )
            % {"n": pending},
            url=reverse("members_corrections:list"),
            count=pending,
            source="members",
        )
    active_card = Card.objects.filter(member=OuterRef("pk"), status=CardStatus.ACTIVE)
    lost_card = Card.objects.filter(member=OuterRef("pk"), status=CardStatus.LOST)
    lost = (
        scoped(Member.objects.all(), viewer)
        .filter(status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED])
        .filter(Exists(lost_card), ~Exists(active_card))
        .count()
    )
    if lost:
        yield TodoItem(
            title=ngettext(
                "%(n)d名会员的会员卡已挂失待补办", "%(n)d名会员的会员卡已挂失待补办", lost
            )
            % {"n": lost},
            url=reverse("members:list"),
            count=lost,
            source="members",
        )


def register() -> None:
    registry.register_todo_provider("members.corrections", correction_todo)
    for name, tile in {
        "members.card": MemberTile(_("会员卡"), "members_m:card", order=10, icon="card"),
        "members.profile": MemberTile(_("我的信息"), "members_m:profile", order=20, icon="person"),
        "members.history": MemberTile(_("我的会籍"), "members_m:history", order=30, icon="history"),
        "members.inbox": MemberTile(_("消息通知"), "core:inbox", order=90, icon="inbox"),
    }.items():
        registry.register_member_tile(name, tile)
    notify.register_template(
        "members.activation.code",
        _("会员账号验证码"),
        _("您正在开通工会会员账号，验证码 {code}，{minutes}分钟内有效。如非本人操作，请忽略。"),
    )
    notify.register_template(
        "members.activation.exists",
        _("会员账号已开通"),
        _(
            "{name}，有人尝试用您的证件号码开通会员账号，而您已开通过。请直接用手机号码登录；如非本人操作，请忽略。"
        ),
    )
    notify.register_template(
        "members.correction.decided",
        _("信息更正申请有结果了"),
        _("{name}，您的信息更正申请：{status}。处理意见：{note}"),
    )
