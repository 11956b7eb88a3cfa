from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gonghui.core import registry
from gonghui.core.audit import AuditEvent, audit_action_label, audit_actions
from gonghui.core.audit_display import action_choices, audit_changes
from gonghui.core.decorators import officer_required
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.scoping import ViewerRequest, holds_anywhere


@officer_required
def home(request: ViewerRequest) -> HttpResponse:
    """The officer's home: the 待办 panel, fed by every app through core.registry."""
    return render(request, "core/home.html", {"todo_items": registry.todo_items(request.user)})


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


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
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
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
