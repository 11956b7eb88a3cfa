from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gonghui.core import selectors, workbench
from gonghui.core.acting import acting_org_or_none
from gonghui.core.audit import audit_action_label
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


@officer_required
def audit_list(request: ViewerRequest) -> HttpResponse:
    """Audit rows of the viewer's subtrees where they hold ``audit.view``."""
    user = request.user
    if not holds_anywhere(user, "audit.view"):
        raise PermissionDenied("audit.view")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    date_from = _parse_date(request.GET.get("from", ""))
    date_to = _parse_date(request.GET.get("to", ""))
    events = selectors.audit_events(
        viewer=user, action=action, actor=actor, date_from=date_from, date_to=date_to
    )
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
