"""The voice module's items on the officer's 待办 panel: open items of the viewer's own unions,
and overdue items of the unions directly below (the next level up sees them, DESIGN.md rule 5)."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.core.registry import TodoItem
from gonghui.core.reminders import Notice
from gonghui.core.scoping import Viewer, holds_anywhere
from gonghui.voice import selectors
from gonghui.voice.models import Appeal, AppealKind, AppealStatus

MAX_ITEMS = 10


def _handles_somewhere(viewer: Viewer) -> bool:
    return holds_anywhere(viewer, "voice.handle")


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    if not _handles_somewhere(viewer):
        return
    today = timezone.localdate()
    own = selectors.pending_at(viewer=viewer)
    waiting = own.filter(status=AppealStatus.SUBMITTED).count()
    if waiting:
        yield TodoItem(
            title=ngettext("%(n)d件诉求待受理", "%(n)d件诉求待受理", waiting) % {"n": waiting},
            url=reverse("voice:list") + "?status=submitted",
            count=waiting,
        )
    for appeal in own.filter(selectors.overdue_q(today)).select_related("org")[:MAX_ITEMS]:
        yield TodoItem(
            title=_("诉求%(no)s已超期：%(t)s") % {"no": appeal.number, "t": appeal.title},
            url=appeal.get_absolute_url(),
            due=str(appeal.current_due),
            overdue=True,
        )
    below = selectors.overdue_for_parent(viewer=viewer, today=today)
    for appeal in below[:MAX_ITEMS]:
        yield TodoItem(
            title=_("下级%(org)s诉求%(no)s超期未办：%(t)s")
            % {"org": appeal.org.name, "no": appeal.number, "t": appeal.title},
            url=appeal.get_absolute_url(),
            due=str(appeal.current_due),
            overdue=True,
        )


def overdue_notices(*, since: dt.date, today: dt.date) -> Iterator[Notice]:
    """Appeals whose current deadline (accept, or reply once accepted) fell in [since, today)
    and that are still waiting: told once to the handling union (core.notify_overdue)."""
    waiting = Q(status=AppealStatus.SUBMITTED, accept_due__gte=since, accept_due__lt=today)
    in_hand = Q(status=AppealStatus.ACCEPTED, reply_due__gte=since, reply_due__lt=today)
    appeals = (
        Appeal.objects.filter(waiting | in_hand, kind=AppealKind.APPEAL)
        .only("pk", "kind", "title", "status", "accept_due", "reply_due", "org_path")
        .order_by("pk")
    )
    for appeal in appeals.iterator(chunk_size=500):
        waited = appeal.status == AppealStatus.SUBMITTED
        due = appeal.accept_due if waited else appeal.reply_due
        yield Notice(
            key=f"appeal:{appeal.pk}:{appeal.status}:{due}",
            org_path=appeal.org_path,
            capability="voice.handle",
            title=_("诉求%(no)s已超期：%(t)s") % {"no": appeal.number, "t": appeal.title},
            due=due,
            url=appeal.get_absolute_url(),
        )
