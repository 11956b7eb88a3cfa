"""The assistance module's items on the officer's 待办 panel."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from gonghui.assistance.models import CaseStatus, HardshipCase
from gonghui.assistance.services.cases import publicity_ended_q
from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere, scoped


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    cases = scoped(HardshipCase.objects.all(), viewer)
    if holds_anywhere(viewer, "assistance.manage"):
        waiting = cases.filter(
            status__in=[CaseStatus.APPLIED, CaseStatus.VISITED, CaseStatus.PUBLICITY]
        ).count()
        if waiting:
            yield TodoItem(
                title=ngettext("%(n)d份困难职工申请待办理", "%(n)d份困难职工申请待办理", waiting)
                % {"n": waiting},
                url=reverse("assistance:list"),
                count=waiting,
            )
        contested = (
            cases.filter(publicity_ended_q(timezone.localdate()), objections__upheld=True)
            .distinct()
            .count()
        )
        if contested:  # the scheduled end of 公示 leaves these to their officers
            yield TodoItem(
                title=ngettext(
                    "%(n)d份困难职工档案公示期满且异议成立，待作出决定",
                    "%(n)d份困难职工档案公示期满且异议成立，待作出决定",
                    contested,
                )
                % {"n": contested},
                url=reverse("assistance:list") + "?status=publicity",
                count=contested,
                overdue=True,
            )
    if holds_anywhere(viewer, "assistance.approve"):
        approvals = cases.filter(
            status__in=[CaseStatus.PENDING_APPROVAL, CaseStatus.EXIT_PROPOSED]
        ).count()
        if approvals:
            yield TodoItem(
                title=ngettext("%(n)d份困难职工档案待审批", "%(n)d份困难职工档案待审批", approvals)
                % {"n": approvals},
                url=reverse("assistance:list") + "?status=pending_approval",
                count=approvals,
            )
