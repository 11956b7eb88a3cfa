from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import workbench
from gonghui.core.acting import acting_org_or_none
from gonghui.core.audit import AuditEvent, audit_action_label, audit_actions
from gonghui.core.audit_display import action_choices, audit_changes
from gonghui.core.decorators import officer_required
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.scoping import ViewerRequest, holds_anywhere


@officer_required
def home(request: ViewerRequest) -> HttpResponse:
    """The officer's 工作台: to-dos (every app, through core.registry), key figures of the acting
    subtree, recent notices."""
    context = workbench.workbench(request.user, acting_org_or_none(request))
    return render(request, "core/home.html", {**context, "title": _("工作台")})


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@officer_required
def audit_list(request: ViewerRequest) -> HttpResponse:
    """Audit rows of the viewer's subtrees where they hold ``audit.view``."""
    user = request.user
    if not holds_anywhere(user, "audit.view"):
        raise PermissionDenied("audit.view")
    events = AuditEvent.objects.select_related("actor").for_viewer(user, "audit.view")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    date_from = _parse_date(request.GET.get("from", ""))
    date_to = _parse_date(request.GET.get("to", ""))
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
    page = paginate(request, events)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "rows": [
                {"e": e, "label": audit_action_label(e.action), "changes": audit_changes(e)}
                for e in page
            ],
            "action_choices": action_choices(),
            "query": query_without_page(request),
            "filters": {"action": action, "actor": actor, "from": date_from, "to": date_to},
            "title": _("操作日志"),
        },
    )
