"""Reads behind core's own pages (import/export jobs, the working-day calendar), each taking
the viewer (DESIGN.md: views never query the ORM)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from gonghui.core import notify
from gonghui.core.audit import AuditEvent, audit_actions
from gonghui.core.models import (
    CalendarDay,
    CalendarYear,
    ExportJob,
    Fund,
    ImportJob,
    LedgerEntry,
    Notification,
)
from gonghui.core.scoping import Viewer, scoped


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(
    *,
    viewer: Viewer,
    action: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit rows of the viewer's subtrees where it holds ``audit.view``, newest first."""
    events = AuditEvent.objects.select_related("actor").for_viewer(viewer, "audit.view")
    if action in audit_actions():
        events = events.filter(action=action)  # one code may prefix another (drift, drift_cleared)
    elif action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__iexact=actor)
    # Bounds on created_at itself (not on its local date), so that (org_path, created_at) bounds
    # both columns and a filtered page is read from the path index at every level.
    if date_from:
        events = events.filter(created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return events


def inbox_item(*, viewer: Viewer, pk: int) -> Notification:
    """One of the viewer's own inbox notifications (another account's: 404)."""
    item = notify.inbox_for(viewer).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def recent_imports(*, viewer: Viewer, org_path: str, importer: str) -> QuerySet[ImportJob]:
    """The viewer's own latest jobs of one importer at one org (the upload page's list)."""
    own = ImportJob.objects.unscoped(reason="jobs the viewer started itself")
    return own.filter(actor_id=getattr(viewer, "pk", None), org_path=org_path, importer=importer)


def own_export_job(*, viewer: Viewer, pk: int) -> ExportJob:
    """An export job the viewer started (its file was read with the viewer's scope); else 404."""
    own = ExportJob.objects.unscoped(reason="an export job is its actor's own")
    job = own.filter(pk=pk, actor_id=getattr(viewer, "pk", None)).first()
    if job is None:
        raise Http404
    return job


def calendar_years() -> dict[int, CalendarYear]:
    """The entered years' schedules by year (installation data, the superuser's page)."""
    return {e.year: e for e in CalendarYear.objects.all()}


def calendar_day_counts() -> dict[tuple[int, str], int]:
    """Number of holiday and workday rows per (year, kind)."""
    rows: Any = (
        CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["year"], row["kind"]): row["n"] for row in rows}


def calendar_year(year: int) -> tuple[CalendarYear | None, list[CalendarDay]]:
    """One year's schedule entry (None: not entered) and its special days, in date order."""
    entry = CalendarYear.objects.filter(year=year).first()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = CalendarDay.objects.filter(date__gte=first, date__lte=last)
    return entry, list(days.order_by("date"))


def ledger_entries(*, viewer: Viewer | None, fund: Fund) -> QuerySet[LedgerEntry]:
    """A fund's ledger, newest first (the fund was itself found in the viewer's scope)."""
    return scoped(LedgerEntry.objects.filter(fund=fund), viewer).order_by("-id")
