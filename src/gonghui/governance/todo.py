"""The governance module's items on the officer's 待办 panel: the 建会 drive (employers of 25 or
more staff without a union), the terms of the unions below that are overdue, the 换届 and results
waiting for the upper union's approval, and the officer's own union's coming 换届."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer
from gonghui.governance import rules
from gonghui.governance.models import Committee, CommitteeStatus, Election, ElectionState
from gonghui.orgs.counters import LARGE_EMPLOYER
from gonghui.orgs.models import Employer

APPROVE = "governance.approve"
MANAGE = "governance.manage"
OWN_NOTICE_MONTHS = 6


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    if not getattr(viewer, "is_authenticated", False):
        return
    today = timezone.localdate()
    own = set(viewer.scope_paths())
    unorganized = (
        Employer.objects.for_viewer(viewer, "orgs.employer.manage")
        .filter(union__isnull=True, employee_count__gte=LARGE_EMPLOYER)
        .count()
    )
    if unorganized:
        yield TodoItem(
            title=ngettext(
                "%(n)d家25人以上单位尚未建立工会",
                "%(n)d家25人以上单位尚未建立工会",
                unorganized,
            )
            % {"n": unorganized},
            url=reverse("governance:formation"),
            count=unorganized,
        )
    overdue = [
        c
        for c in Committee.objects.for_viewer(viewer, APPROVE)
        .filter(status=CommitteeStatus.IN_OFFICE, election_due_on__lt=today)
        .select_related("org")
        .order_by("election_due_on")[:50]
        if c.org_path not in own
    ]
    for committee in overdue[:20]:
        yield TodoItem(
            title=_("%(org)s%(kind)s任期已满，逾期未换届")
            % {"org": committee.org.name, "kind": committee.get_kind_display()},
            url=reverse("governance:committee", args=[committee.pk]),
            due=committee.election_due_on.isoformat(),
            overdue=True,
        )
    waiting = [
        e
        for e in Election.objects.for_viewer(viewer, APPROVE)
        .filter(state__in=[ElectionState.REQUESTED, ElectionState.REPORTED])
        .select_related("org")[:50]
        if e.org_path not in own
    ]
    for election in waiting[:20]:
        title = (
            _("%(org)s申请换届，待批复")
            if election.state == ElectionState.REQUESTED
            else _("%(org)s换届选举结果待批复")
        )
        yield TodoItem(
            title=title % {"org": election.org.name},
            url=reverse("governance:election", args=[election.pk]),
        )
    horizon = rules.add_months(today, OWN_NOTICE_MONTHS)
    for committee in (
        Committee.objects.for_viewer(viewer, MANAGE)
        .filter(
            org_path__in=list(own),
            status=CommitteeStatus.IN_OFFICE,
            election_due_on__lte=horizon,
        )
        .select_related("org")
    ):
        yield TodoItem(
            title=_("本会%(kind)s应于%(due)s换届，请及时申请")
            % {"kind": committee.get_kind_display(), "due": committee.election_due_on},
            url=reverse("governance:committee", args=[committee.pk]),
            due=committee.election_due_on.isoformat(),
            overdue=committee.election_due_on < today,
        )
