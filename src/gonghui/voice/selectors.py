"""Every read of appeals and letters, from the viewer's scope (fails closed).

* Appeals: the viewer's subtrees (``org_path``).
* Mailbox letters (主席信箱): only the office of the union they are addressed to — a viewer
  with a post at exactly that org; upper levels get counts through ``appeal_report``.
* Overdue items show on the parent union's to-do panel; an item past its second deadline is
  the parent's on read (``escalation_due``) even before the nightly task moves it.
* Nothing here selects ``owner_key`` for an officer: the member's own reads filter by it.
* An anonymous appeal is found by its 查询码 only (``appeal_follow``), never by the account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core.scoping import Actor, Viewer, prefix_q, viewer_paths
from gonghui.core.workflow import history_of
from gonghui.voice.models import (
    Appeal,
    AppealCategory,
    AppealKind,
    AppealStatus,
    Proposal,
    StepAction,
)
from gonghui.voice.services.identity import follow_digest, follow_guess, owner_key

OFFICER_DEFER = ("owner_key", "contact_phone")


@dataclass(frozen=True)
class AppealFilters:
    query: str = ""
    status: str = ""
    category: str = ""
    channel: str = ""
    kind: str = ""
    overdue: bool = False
    org_path: str = ""  # a sub-tree of the viewer's scope
    since: dt.date | None = None
    until: dt.date | None = None


def _exact_paths(viewer: Viewer) -> list[str]:
    if getattr(viewer, "is_superuser", False):
        return list(viewer.scope_paths())
    return [path for path, _ in getattr(viewer, "post_capabilities", [])]


def _visible_q(viewer: Viewer) -> Q:
    """Within the viewer's subtrees: every appeal, and the letters of its own unions."""
    letters = Q(kind=AppealKind.LETTER, org_path__in=_exact_paths(viewer))
    if getattr(viewer, "is_superuser", False):
        letters = Q(kind=AppealKind.LETTER)
    return Q(kind=AppealKind.APPEAL) | letters


def appeal_queryset(*, viewer: Viewer | None) -> QuerySet[Appeal]:
    rows = Appeal.objects.for_viewer(viewer)
    assert viewer is not None
    return rows.filter(_visible_q(viewer)).select_related("org", "category").defer(*OFFICER_DEFER)


def appeal_list(*, viewer: Viewer | None, filters: AppealFilters) -> QuerySet[Appeal]:
    qs = appeal_queryset(viewer=viewer)
    if filters.org_path:
        qs = qs.filter(prefix_q("org_path", filters.org_path))
    text = filters.query.strip()
    if text:
        qs = qs.filter(Q(title__contains=text) | Q(content__contains=text))
    for field in ("status", "channel", "kind"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    if filters.since:
        qs = qs.filter(received_on__gte=filters.since)
    if filters.until:
        qs = qs.filter(received_on__lte=filters.until)
    return qs.order_by("-id")


def active_categories() -> QuerySet[AppealCategory]:
    """The categories an appeal may be filed under (a dictionary every account reads)."""
    return AppealCategory.objects.filter(active=True)


def overdue_q(today: dt.date) -> Q:
    return Q(status=AppealStatus.SUBMITTED, accept_due__lt=today) | Q(
        status=AppealStatus.ACCEPTED, reply_due__lt=today
    )


def appeal_get(*, viewer: Viewer | None, pk: int) -> Appeal:
    appeal = appeal_queryset(viewer=viewer).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


@dataclass(frozen=True)
class Step:
    """One step of a trail as the pages and the API show it (read from core's history)."""

    action: str
    action_label: str
    org_name: str
    actor_label: str
    opinion: str
    created_at: dt.datetime

    def get_action_display(self) -> str:
        return self.action_label


def _steps(obj: Appeal | Proposal, labels: dict[str, str]) -> list[Step]:
    return [
        Step(
            action=h.transition,
            action_label=labels.get(h.transition, h.transition),
            org_name=str(h.data.get("org_name", "")),
            actor_label=h.actor_label,
            opinion=h.reason,
            created_at=h.created_at,
        )
        for h in history_of(obj)
    ]


def appeal_steps(*, appeal: Appeal) -> list[Step]:
    """The trail of an appeal already fetched through a scoped read."""
    return _steps(appeal, {str(k): str(v) for k, v in StepAction.choices})


def proposal_steps(*, proposal: Proposal) -> list[Step]:
    """The trail of a proposal already fetched through a scoped read."""
    return _steps(proposal, {})


def overdue_for_parent(*, viewer: Viewer | None, today: dt.date) -> QuerySet[Appeal]:
    """Overdue appeals of the unions directly below the viewer's posts (the next level up)."""
    paths = viewer_paths(viewer)
    assert viewer is not None
    own = _exact_paths(viewer)
    if not paths or not own:
        return Appeal.objects.for_viewer(viewer).none()
    return (
        Appeal.objects.for_viewer(viewer)
        .filter(kind=AppealKind.APPEAL, org__parent__path__in=own)
        .filter(overdue_q(today))
        .select_related("org", "category")
        .defer(*OFFICER_DEFER)
        .order_by("accept_due")
    )


def pending_at(*, viewer: Viewer | None) -> QuerySet[Appeal]:
    """Open items handled at exactly the viewer's own unions (appeals and letters)."""
    viewer_paths(viewer)
    assert viewer is not None
    return (
        Appeal.objects.for_viewer(viewer)
        .filter(
            org_path__in=_exact_paths(viewer),
            status__in=[AppealStatus.SUBMITTED, AppealStatus.ACCEPTED],
        )
        .defer(*OFFICER_DEFER)
    )


# --- the member's own ------------------------------------------------------------------------


def my_appeals(*, user: Actor) -> QuerySet[Appeal]:
    key = owner_key(user)
    own = Appeal.objects.unscoped(reason="a member's own appeals, by the owner key")
    if not key:
        return own.none()
    return own.filter(owner_key=key).select_related("org", "category").order_by("-id")


def my_appeal_get(*, user: Actor, pk: int) -> Appeal:
    appeal = my_appeals(user=user).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


def appeal_follow(*, code: str, account: Actor, client: str | None) -> Appeal | None:
    """The anonymous appeal whose 查询码 is ``code`` (None for a wrong code). Each call counts
    as a guess (``identity.follow_guess`` raises once the account or client tried too often)."""
    follow_guess(account=account, client=client)
    digest = follow_digest(code)
    if not digest:
        return None
    return (
        Appeal.objects.unscoped(reason="the author's anonymous appeal, by its 查询码 digest")
        .filter(anonymous=True, follow_digest=digest)
        .select_related("org", "category")
        .first()
    )


# --- counts for upper levels -------------------------------------------------------------------


def counts_by(qs: QuerySet[Appeal], field: str) -> list[dict[str, Any]]:
    return list(qs.values(field).annotate(n=Count("id")).order_by("-n"))


def report_queryset(*, viewer: Viewer | None, filters: AppealFilters) -> QuerySet[Appeal]:
    """Counts include mailbox letters of the subtree: upper levels see figures, not letters."""
    qs = Appeal.objects.for_viewer(viewer)
    if filters.org_path:
        qs = qs.filter(prefix_q("org_path", filters.org_path))
    if filters.since:
        qs = qs.filter(received_on__gte=filters.since)
    if filters.until:
        qs = qs.filter(received_on__lte=filters.until)
    return qs
