"""The inbox (站内信) of the logged-in user: officers, members and merchants alike."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import notify, selectors
from gonghui.core.pagination import paginate
from gonghui.core.scoping import ViewerRequest


@login_required
def inbox(request: ViewerRequest) -> HttpResponse:
    """The user's own notifications, newest first."""
    notifications = notify.inbox_for(request.user)
    return render(
        request,
        "core/inbox.html",
        {
            "page": paginate(request, notifications, per_page=20),
            "query": "",
            "unread": notify.unread_count(request.user),
            "title": _("消息"),
        },
    )


@login_required
@require_POST
def inbox_read(request: ViewerRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` go on to the page it links to.
    Another user's notification is a 404."""
    notification = selectors.inbox_item(viewer=request.user, pk=pk)
    notify.notification_mark_read(notification=notification, actor=request.user)
    url = notification.url
    if request.POST.get("open") and url and url_has_allowed_host_and_scheme(url, None):
        return HttpResponseRedirect(url)
    return redirect("core:inbox")


@login_required
@require_POST
def inbox_read_all(request: ViewerRequest) -> HttpResponse:
    count = notify.notification_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("已将 %(count)d 条消息标为已读") % {"count": count})
    return redirect("core:inbox")
