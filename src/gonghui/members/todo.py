"""The members module's items on the officer's 待办 panel."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import ngettext

from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere, scope_q
from gonghui.members.models import Transfer, TransferStatus
from gonghui.members.services.applications import application_list


def _manages_members(viewer: Viewer) -> bool:
    return holds_anywhere(viewer, "members.manage")


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    if not _manages_members(viewer):
        return
    applications = application_list(viewer=viewer).count()
    if applications:
        yield TodoItem(
            title=ngettext("%(n)d份入会申请待审批", "%(n)d份入会申请待审批", applications)
            % {"n": applications},
            url=reverse("members:applications"),
            count=applications,
        )
    incoming = Transfer.objects.filter(
        scope_q(viewer, "to_path"), status=TransferStatus.ISSUED
    ).count()
    if incoming:
        yield TodoItem(
            title=ngettext("%(n)d名会员的转会待接收", "%(n)d名会员的转会待接收", incoming)
            % {"n": incoming},
            url=reverse("members:transfer_list") + "?direction=in",
            count=incoming,
        )
