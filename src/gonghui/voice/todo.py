"""The voice module's items on the officer's 待办 panel: open items of the viewer's own unions,
and overdue items of the unions directly below (the next level up sees them, DESIGN.md rule 5)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer
from gonghui.voice import selectors
from gonghui.voice.models import AppealStatus

MAX_ITEMS = 10


def _handles_somewhere(viewer: Viewer) -> bool:
    return any(viewer.has_capability("voice.handle", p) for p in viewer.scope_paths())


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
