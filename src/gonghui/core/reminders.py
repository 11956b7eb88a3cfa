"""Reminders sent once: deadlines that have passed, agreements about to end.

A periodic job hands :func:`claim_once` the items it would remind about, each a :class:`Notice`
with a stable key (the item and its deadline: ``"appeal:12:2026-03-02"``); the first run that
sees a key records it (``NoticeSent``, unique per source and key) and returns it, any later or
concurrent run skips it. :func:`tell_officers` then sends each officer holding the notice's
capability at its org (``core.registry.officers_holding``) one message listing their items:
one message per officer per run, however many items.

``notify_overdue`` is the scheduled job ``core.notify_overdue``: the modules register overdue
sources (``core.registry.register_overdue_source``) for the deadlines their to-do panel items
carry; the panel itself keeps computing "overdue" when it is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import registry
from gonghui.core.models import NoticeSent
from gonghui.core.notify import notify

OVERDUE_TEMPLATE = "core.deadline.overdue"
OVERDUE_LOOKBACK = dt.timedelta(days=30)  # a scheduler down for a while still tells, once
CHUNK = 500
MAX_LINES = 20


@dataclass(frozen=True)
class Notice:
    key: str  # stable per item and deadline: a changed deadline is a new notice
    org_path: str  # the org whose officers are told
    capability: str  # ... those holding this capability there
    title: str
    due: dt.date | None = None
    url: str = ""

    def line(self) -> str:
        if self.due is None:
            return self.title
        return _("%(title)s（期限 %(due)s）") % {"title": self.title, "due": self.due.isoformat()}


def _chunks(items: Iterable[Notice], size: int) -> Iterator[list[Notice]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def claim_once(*, source: str, notices: Iterable[Notice], limit: int) -> list[Notice]:
    """The notices never claimed before under ``source``, at most ``limit`` of them, now
    recorded as sent (in the caller's transaction)."""
    claimed: list[Notice] = []
    for chunk in _chunks(notices, CHUNK):
        if len(claimed) >= limit:
            break
        seen = set(
            NoticeSent.objects.filter(source=source, key__in=[n.key for n in chunk]).values_list(
                "key", flat=True
            )
        )
        for notice in chunk:
            if notice.key in seen or len(claimed) >= limit:
                continue
            seen.add(notice.key)
            try:
                with transaction.atomic():  # a concurrent run may have just claimed it
                    NoticeSent.objects.create(source=source, key=notice.key)
            except IntegrityError:
                continue
            claimed.append(notice)
    return claimed


def tell_officers(notices: list[Notice], *, template: str, url: str = "/") -> int:
    """One message per officer listing their notices; returns how many officers were told."""
    by_user: dict[Any, tuple[Any, list[Notice]]] = {}
    for notice in notices:
        for user in registry.officers_holding(notice.capability, notice.org_path):
            by_user.setdefault(user.pk, (user, []))[1].append(notice)
    for user, items in by_user.values():
        lines = [n.line() for n in items[:MAX_LINES]]
        if len(items) > MAX_LINES:
            lines.append(_("……另有%(n)d项") % {"n": len(items) - MAX_LINES})
        notify(
            template=template,
            data={"count": len(items), "items": "\n".join(lines)},
            to_user=user,
            url=items[0].url if len(items) == 1 and items[0].url else url,
        )
    return len(by_user)


def notify_overdue(*, today: dt.date | None = None, limit: int = 1000) -> int:
    """Tell officers once about each item whose deadline passed since the last runs (looking
    back ``OVERDUE_LOOKBACK``); returns how many items were newly told."""
    today = today or timezone.localdate()
    since = today - OVERDUE_LOOKBACK
    with transaction.atomic():
        fresh: list[Notice] = []
        for name, source in registry.overdue_sources():
            if len(fresh) >= limit:
                break
            fresh += claim_once(
                source=f"overdue.{name}",
                notices=source(since=since, today=today),
                limit=limit - len(fresh),
            )
        tell_officers(fresh, template=OVERDUE_TEMPLATE)
    return len(fresh)


def prune_notices(now: dt.datetime | None = None) -> int:
    """Forget reminders older than ``GONGHUI_NOTICE_DAYS`` (default 400): by then their items
    are far outside every source's window."""
    from gonghui.core.audit import delete_in_batches

    days = getattr(settings, "GONGHUI_NOTICE_DAYS", 400)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return delete_in_batches(
        NoticeSent.objects.filter(created_at__lt=cutoff), batch=5000, max_batches=100
    )
