"""Members' phone pages under /m/voice/: submit, my appeals with their whole trail, rate and
reopen. The member finds their signed appeals by ``identity.owner_key`` and an anonymous one by
its 查询码 (``follow`` pages), which is shown once in the answer to the submission and then only
ever travels in the member's own POSTs: never in a URL (request logs keep paths), the session, a
cookie or a flash message. Pages that touch an anonymous appeal mark the request so that its log
line carries no user id (``hide_user``), and are not cached by the browser."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import notify
from gonghui.core.decorators import member_required
from gonghui.core.forms import apply_service_errors
from gonghui.core.net import client_ip
from gonghui.core.observability import hide_user
from gonghui.core.scoping import Actor, ViewerRequest
from gonghui.core.views_support import submit_form
from gonghui.orgs.selectors import directory_get
from gonghui.voice import selectors
from gonghui.voice.forms.appeals import FollowForm, MemberAppealForm, RateForm, ReasonForm
from gonghui.voice.forms.proposals import MemberProposalForm
from gonghui.voice.models import Appeal, AppealKind
from gonghui.voice.rules import reopen_refusal
from gonghui.voice.services import appeals as services
from gonghui.voice.services import proposals


@member_required
@require_GET
def my_list(request: ViewerRequest) -> HttpResponse:
    user = request.user
    rows = selectors.my_appeals(user=user)[:100]
    ideas = proposals.my_proposals(user=user)[:100]
    return render(request, "voice/m_list.html", {"rows": rows, "proposals": ideas})


@member_required
@never_cache
def submit(request: ViewerRequest) -> HttpResponse:
    # Every request to this page, signed or anonymous, logs no user: the anonymous submission's
    # line must not name the member, and must not stand out among the others either.
    hide_user(request)
    user = request.user
    form = MemberAppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def submit_appeal() -> Appeal:
            to_org = None
            code = (data.pop("to_org") or "").strip()
            if data["kind"] == AppealKind.LETTER and code:
                to_org = directory_get(code=code)
                if to_org is None:
                    raise ValidationError({"to_org": _("组织目录中没有该工会编码")})
            attachment = data.pop("attachment")
            return services.appeal_submit(
                actor=user,
                to_org=to_org,
                attachments=[attachment] if attachment else [],
                **data,
            )

        if done := submit_form(request, form, submit_appeal):
            appeal = done.value
            if appeal.anonymous:
                # Shown in this answer and never again (no redirect: it would need the session).
                return render(request, "voice/m_follow_code.html", {"appeal": appeal})
            messages.success(request, _("已提交，编号 %(no)s") % {"no": appeal.number})
            return redirect("voice_m:detail", pk=appeal.pk)
    has_member = getattr(user, "member", None) is not None
    return render(request, "voice/m_form.html", {"form": form, "has_member": has_member})


def _detail_page(
    request: HttpRequest, appeal: Appeal, *, follow_code: str = "", notice: str = ""
) -> HttpResponse:
    """The submitter's page of an appeal; with ``follow_code`` its forms carry the 查询码."""
    return render(
        request,
        "voice/m_detail.html",
        {
            "appeal": appeal,
            "steps": selectors.appeal_steps(appeal=appeal),
            "rate_form": RateForm(),
            "reopen_form": ReasonForm(),
            "may_reopen": not reopen_refusal(
                status=appeal.status, reopened=appeal.reopened, rating=appeal.rating
            ),
            "follow_code": follow_code,
            "notice": notice,
        },
    )


def _submitter_action(
    request: HttpRequest, appeal: Appeal, action: str, *, actor: Actor | None, code: str = ""
) -> tuple[Appeal, str]:
    """Rate or reopen; returns the appeal and what to tell the submitter."""
    try:
        if action == "rate":
            appeal = services.appeal_rate(
                actor=actor,
                appeal=appeal,
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", ""),
                code=code,
            )
            return appeal, _("感谢您的评价")
        appeal = services.appeal_reopen(
            actor=actor, appeal=appeal, reason=request.POST.get("reason", ""), code=code
        )
        return appeal, _("已申请重新办理")
    except ValidationError as exc:
        return appeal, "；".join(exc.messages)
    except PermissionDenied as exc:
        raise Http404 from exc


@member_required
@require_GET
def my_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = selectors.my_appeal_get(user=user, pk=pk)
    # The member's own read marks, not a record of the union: safe on GET and idempotent.
    notify.notifications_mark_read_for(actor=user, url=request.path)
    return _detail_page(request, appeal)


@member_required
@require_POST
def my_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    if action not in ("rate", "reopen"):
        raise Http404
    appeal = selectors.my_appeal_get(user=user, pk=pk)
    before = appeal.status
    appeal, notice = _submitter_action(request, appeal, action, actor=user)
    level = messages.success if appeal.status != before else messages.error
    level(request, notice)
    return redirect("voice_m:detail", pk=pk)


@member_required
@never_cache
def follow(request: ViewerRequest) -> HttpResponse:
    """Enter the 查询码 of an anonymous appeal to see its progress (POST only: no code in URLs)."""
    hide_user(request)
    user = request.user
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            appeal = selectors.appeal_follow(code=code, account=user, client=client_ip(request))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if appeal is not None:
                return _detail_page(request, appeal, follow_code=code)
            form.add_error("code", _("查询码不正确，请核对后重新输入"))
    return render(request, "voice/m_follow.html", {"form": form})


@member_required
@never_cache
@require_POST
def follow_action(request: ViewerRequest, action: str) -> HttpResponse:
    """Rate or reopen an anonymous appeal; the 查询码 comes with the form, as in ``follow``.
    The answer is the page itself, not a redirect (a flash message would sit in the session)."""
    hide_user(request)
    user = request.user
    if action not in ("rate", "reopen"):
        raise Http404
    code = request.POST.get("code", "")
    try:
        appeal = selectors.appeal_follow(code=code, account=user, client=client_ip(request))
    except ValidationError:
        appeal = None
    if appeal is None:
        return redirect("voice_m:follow")
    # No account passed: the code alone proves the submitter of an anonymous appeal.
    appeal, notice = _submitter_action(request, appeal, action, actor=None, code=code)
    return _detail_page(request, appeal, follow_code=code, notice=notice)


@member_required
def proposal_submit(request: ViewerRequest) -> HttpResponse:
    """A member's 合理化建议 (individual, or a team they lead)."""
    user = request.user
    form = MemberProposalForm(request.POST or None)
    if submit_form(
        request,
        form,
        lambda: proposals.proposal_submit(actor=user, **form.cleaned_data),
        lambda proposal: _("已提交合理化建议，编号 %(no)s") % {"no": proposal.number},
    ):
        return redirect("voice_m:list")
    has_member = getattr(user, "member", None) is not None
    return render(
        request,
        "voice/m_form.html",
        {"form": form, "has_member": has_member, "title": _("提合理化建议")},
    )
