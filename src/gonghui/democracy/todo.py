"""The democracy module's items on the officer's 待办 panel: materials due before a session,
motion replies due, disclosure items of the plan due or overdue, staff questions to answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.core.deadlines import overdue_todo
from gonghui.core.registry import TodoItem
from gonghui.core.reminders import Notice
from gonghui.core.scoping import Viewer
from gonghui.democracy.models import (
    DisclosureItem,
    DisclosureQuestion,
    Motion,
    MotionState,
    Session,
    SessionState,
    Term,
)
from gonghui.democracy.selectors.congress import managed_q
from gonghui.democracy.services.congress import materials_deadline

SOON = dt.timedelta(days=14)
TERM_NOTICE = dt.timedelta(days=90)


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    if not getattr(viewer, "is_authenticated", False):
        return
    q = managed_q(viewer)
    if q is None:  # manages no congress: no queries at all
        return
    today = timezone.localdate()
    sessions = Session.objects.filter(q, state=SessionState.PLANNED).select_related(
        "term__congress__org"
    )
    for session in sessions.order_by("scheduled_for")[:20]:
        deadline = materials_deadline(session)
        if deadline.due - today <= SOON:
            yield overdue_todo(
                _("%(session)s：会议材料应于会前送达代表") % {"session": session.title},
                reverse("democracy:session_detail", args=[session.pk]),
                deadline,
                today,
            )
    for term in Term.objects.filter(q, ends_on__lte=today + TERM_NOTICE).select_related("congress")[
        :20
    ]:
        if term.congress.terms.filter(number__gt=term.number).exists():
            continue  # the next term is already set up
        yield TodoItem(
            title=_("%(congress)s第%(n)d届任期将满，请筹备换届")
            % {"congress": term.congress.name, "n": term.number},
            url=reverse("democracy:congress_detail", args=[term.congress_id]),
            due=term.ends_on.isoformat(),
            overdue=term.ends_on < today,
        )
    motions = Motion.objects.filter(q, state=MotionState.ASSIGNED, due_on__isnull=False)
    overdue = motions.filter(due_on__lt=today).count()
    if overdue:
        yield TodoItem(
            title=ngettext("%(n)d件提案逾期未答复", "%(n)d件提案逾期未答复", overdue)
            % {"n": overdue},
            url=reverse("democracy:motion_list") + "?state=assigned",
            count=overdue,
            overdue=True,
        )
    waiting = Motion.objects.filter(q, state=MotionState.SUBMITTED).count()
    if waiting:
        yield TodoItem(
            title=ngettext("%(n)d件提案待审查立案", "%(n)d件提案待审查立案", waiting)
            % {"n": waiting},
            url=reverse("democracy:motion_list") + "?state=submitted",
            count=waiting,
        )
    items = DisclosureItem.objects.filter(q, published_at__isnull=True, due_on__lte=today + SOON)
    for item in items.order_by("due_on")[:20]:
        yield TodoItem(
            title=_("厂务公开：%(title)s（%(period)s）")
            % {"title": item.title, "period": item.period},
            url=reverse("democracy:item_detail", args=[item.pk]),
            due=item.due_on.isoformat(),
            overdue=item.due_on < today,
        )
    questions = DisclosureQuestion.objects.filter(q, answered_at__isnull=True)
    for question in questions.order_by("due_on")[:20]:
        yield TodoItem(
            title=_("职工对厂务公开的提问待答复"),
            url=reverse("democracy:item_detail", args=[question.item_id]),
            due=question.due_on.isoformat(),
            overdue=question.due_on < today,
        )


def overdue_notices(*, since: dt.date, today: dt.date) -> Iterator[Notice]:
    """Motions not replied to and disclosure items not published whose deadline fell in
    [since, today): told once to the congress's managers (core.notify_overdue)."""
    motions = Motion.objects.filter(
        state=MotionState.ASSIGNED, due_on__gte=since, due_on__lt=today
    ).only("pk", "number", "title", "due_on", "org_path")
    for motion in motions.order_by("pk").iterator(chunk_size=500):
        assert motion.due_on is not None
        yield Notice(
            key=f"motion:{motion.pk}:{motion.due_on}",
            org_path=motion.org_path,
            capability="democracy.manage",
            title=_("提案%(label)s逾期未答复：%(t)s") % {"label": motion.label, "t": motion.title},
            due=motion.due_on,
            url=reverse("democracy:motion_detail", args=[motion.pk]),
        )
    items = DisclosureItem.objects.filter(
        published_at__isnull=True, due_on__gte=since, due_on__lt=today
    ).only("pk", "title", "due_on", "org_path")
    for item in items.order_by("pk").iterator(chunk_size=500):
        yield Notice(
            key=f"disclosure:{item.pk}:{item.due_on}",
            org_path=item.org_path,
            capability="democracy.manage",
            title=_("厂务公开事项逾期未公开：%(t)s") % {"t": item.title},
            due=item.due_on,
            url=reverse("democracy:item_detail", args=[item.pk]),
        )
