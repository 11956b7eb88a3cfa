"""The honours module's items on the officer's 待办 panel: lists to send up before the
nominations close, objections to answer, calls whose 公示 ended and wait for approval."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere, scoped
from gonghui.honors.models import AwardCall, CallStatus, Nomination, NominationStatus, Objection


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    today = timezone.localdate()
    if holds_anywhere(viewer, "honors.manage"):
        waiting = (
            scoped(Nomination.objects.all(), viewer)
            .filter(status=NominationStatus.DRAFT, call__status=CallStatus.OPEN)
            .values("call")
            .distinct()
        )
        late = waiting.filter(call__nominations_due__lt=today).count()
        count = waiting.count()
        if count:
            yield TodoItem(
                title=ngettext("%(n)d项评选有推荐人选待上报", "%(n)d项评选有推荐人选待上报", count)
                % {"n": count},
                url=reverse("honors:calls"),
                count=count,
                overdue=bool(late),
            )
    if holds_anywhere(viewer, "honors.approve"):
        calls = scoped(AwardCall.objects.all(), viewer)
        objections = (
            scoped(Objection.objects.all(), viewer)
            .filter(answered_on__isnull=True, nomination__call__in=calls)
            .count()
        )
        if objections:
            yield TodoItem(
                title=ngettext("%(n)d条公示异议待答复", "%(n)d条公示异议待答复", objections)
                % {"n": objections},
                url=reverse("honors:calls"),
                count=objections,
            )
        ripe = calls.filter(status=CallStatus.PUBLICITY, publicity_end__lt=today).count()
        if ripe:
            yield TodoItem(
                title=ngettext("%(n)d项评选公示期满待审批", "%(n)d项评选公示期满待审批", ripe)
                % {"n": ripe},
                url=reverse("honors:calls"),
                count=ripe,
                overdue=True,
            )
        closing = calls.filter(status=CallStatus.OPEN, nominations_due__lt=today).count()
        if closing:
            yield TodoItem(
                title=ngettext(
                    "%(n)d项评选推荐已到期待截止", "%(n)d项评选推荐已到期待截止", closing
                )
                % {"n": closing},
                url=reverse("honors:calls"),
                count=closing,
                overdue=True,
            )
