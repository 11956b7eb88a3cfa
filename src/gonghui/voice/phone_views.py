"""Members' phone pages under /m/voice/: submit, my appeals with their whole trail, rate and
reopen. The member finds their own appeals (anonymous ones too) by ``identity.owner_key``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.accounts.models import AccountType
from gonghui.core.forms import apply_service_errors
from gonghui.orgs.selectors import directory_get
from gonghui.voice import proposals, selectors, services
from gonghui.voice.forms import MemberAppealForm, RateForm, ReasonForm
from gonghui.voice.forms_proposals import MemberProposalForm
from gonghui.voice.models import AppealKind


def _member_user(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "account_type", "") != AccountType.MEMBER:
        raise Http404
    return user


@login_required
@require_GET
def my_list(request: HttpRequest) -> HttpResponse:
    user = _member_user(request)
    rows = selectors.my_appeals(user=user)[:100]
    ideas = proposals.my_proposals(user=user)[:100]
    return render(request, "voice/m_list.html", {"rows": rows, "proposals": ideas})


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    user = _member_user(request)
    form = MemberAppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            to_org = None
            code = (data.pop("to_org") or "").strip()
            if data["kind"] == AppealKind.LETTER and code:
                to_org = directory_get(code=code)
                if to_org is None:
                    raise ValidationError({"to_org": _("组织目录中没有该工会编码")})
            attachment = data.pop("attachment")
            appeal = services.appeal_submit(
                actor=user,
                to_org=to_org,
                attachments=[attachment] if attachment else [],
                **data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已提交，编号 %(no)s") % {"no": appeal.number})
            return redirect("voice_m:detail", pk=appeal.pk)
    has_member = getattr(user, "member", None) is not None
    return render(request, "voice/m_form.html", {"form": form, "has_member": has_member})


@login_required
@require_GET
def my_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member_user(request)
    appeal = selectors.my_appeal_get(user=user, pk=pk)
    return render(
        request,
        "voice/m_detail.html",
        {
            "appeal": appeal,
            "steps": selectors.appeal_steps(appeal=appeal),
            "rate_form": RateForm(),
            "reopen_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def my_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _member_user(request)
    if action not in ("rate", "reopen"):
        raise Http404
    appeal = selectors.my_appeal_get(user=user, pk=pk)
    try:
        if action == "rate":
            services.appeal_rate(
                actor=user,
                appeal=appeal,
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("感谢您的评价"))
        else:
            services.appeal_reopen(actor=user, appeal=appeal, reason=request.POST.get("reason", ""))
            messages.success(request, _("已申请重新办理"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("voice_m:detail", pk=pk)


@login_required
def proposal_submit(request: HttpRequest) -> HttpResponse:
    """A member's 合理化建议 (individual, or a team they lead)."""
    user = _member_user(request)
    form = MemberProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.proposal_submit(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已提交合理化建议，编号 %(no)s") % {"no": proposal.number})
            return redirect("voice_m:list")
    has_member = getattr(user, "member", None) is not None
    return render(
        request,
        "voice/m_form.html",
        {"form": form, "has_member": has_member, "title": _("提合理化建议")},
    )
