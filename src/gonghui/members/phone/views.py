"""The member's phone pages under /m/: home, card, activation, profile, history, joining.

Members only: an anonymous visitor is sent to the phone login, any other account type gets a
404 (DESIGN.md rule 1), and every page reads only the record linked to the logged-in account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gonghui.accounts.views.accounts import LoginView
from gonghui.core import notify, registry
from gonghui.core.decorators import member_required
from gonghui.core.net import client_ip
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form
from gonghui.members.forms import JoinApplicationForm
from gonghui.members.models import Member
from gonghui.members.phone.forms import (
    ActivationFinishForm,
    ActivationStartForm,
    CardLostForm,
    CorrectionForm,
    JoinFindForm,
)
from gonghui.members.services import activation, applications, corrections, self_service
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import GRASSROOTS_KINDS

CLAIM_KEY = "gonghui.activation.claim"
View = Callable[..., HttpResponse]


def _member_or_none(request: ViewerRequest) -> Member | None:
    return self_service.own_member(request.user)


def _not_member(request: HttpRequest) -> HttpResponse:
    return render(request, "members/m/not_member.html", {"title": _("会员服务")}, status=200)


def _client(request: HttpRequest) -> str:
    return client_ip(request)


# --- home and login ------------------------------------------------------------------------------


@member_required
@require_GET
def home(request: ViewerRequest) -> HttpResponse:
    member = _member_or_none(request)
    tiles = []
    for tile in registry.member_tiles():
        try:
            tiles.append({"label": tile.label, "url": reverse(tile.url_name), "icon": tile.icon})
        except NoReverseMatch:
            continue  # a module whose page is not mounted here
    return render(
        request,
        "members/m/home.html",
        {
            "member": member,
            "card": self_service.own_card(member) if member else None,
            "tiles": tiles,
            "unread": notify.unread_count(request.user),
            "recent": notify.inbox_for(request.user)[:3],
            "title": _("会员服务"),
        },
    )


class PhoneLoginView(LoginView):
    """The same login (username or phone, lockout) on a phone-sized page."""

    template_name = "members/m/login.html"


# --- activation ----------------------------------------------------------------------------------


def _anonymous_only(request: HttpRequest) -> HttpResponse | None:
    if request.user.is_authenticated:
        return redirect("members_m:home" if request.user.account_type == "member" else "/")
    return None


def activate(request: HttpRequest) -> HttpResponse:
    """Step 1: ID and phone; the same answer whether or not they match a member."""
    if (response := _anonymous_only(request)) is not None:
        return response
    form = ActivationStartForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: activation.activation_request(client=_client(request), **form.cleaned_data),
    ):
        request.session[CLAIM_KEY] = done.value.as_dict()
        messages.info(request, str(activation.SENT_MESSAGE))
        return redirect("members_m:activate_code")
    return render(request, "members/m/activate.html", {"form": form, "title": _("开通会员账号")})


def activate_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code, a password and consent to the privacy notice; then logged in."""
    if (response := _anonymous_only(request)) is not None:
        return response
    try:
        claim = activation.Claim(**request.session[CLAIM_KEY])
    except (KeyError, TypeError):  # no first step in this session (or a stale one)
        return redirect("members_m:activate")
    form = ActivationFinishForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: activation.activation_complete(
            claim=claim, client=_client(request), **form.cleaned_data
        ),
    ):
        request.session.pop(CLAIM_KEY, None)
        login(request, done.value, backend="gonghui.accounts.backends.UsernameOrPhoneBackend")
        messages.success(request, _("会员账号已开通，以后可用手机号码和密码登录"))
        return redirect("members_m:home")
    return render(
        request, "members/m/activate_code.html", {"form": form, "title": _("开通会员账号")}
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/m/privacy.html",
        {
            "version": activation.PRIVACY_NOTICE_VERSION,
            "purpose": activation.PRIVACY_PURPOSE,
            "title": _("会员个人信息保护政策"),
        },
    )


# --- the card ------------------------------------------------------------------------------------


def _card_context(request: ViewerRequest) -> dict[str, Any] | None:
    member = _member_or_none(request)
    if member is None:
        return None
    card = self_service.own_card(member)
    return {
        "member": member,
        "card": card,
        "proof": self_service.live_proof(card) if card and member.is_current else None,
        "title": _("会员卡"),
    }


@never_cache
@member_required
@require_GET
def card(request: ViewerRequest) -> HttpResponse:
    context = _card_context(request)
    if context is None:
        return _not_member(request)
    return render(request, "members/m/card.html", context)


@never_cache
@member_required
@require_GET
def card_live(request: ViewerRequest) -> HttpResponse:
    """The fragment the card page fetches every 20 seconds: this minute's QR and code."""
    context = _card_context(request)
    if context is None:
        raise Http404
    return render(request, "members/m/card_live.html", context)


@member_required
@require_GET
def card_print(request: ViewerRequest) -> HttpResponse:
    context = _card_context(request)
    if context is None:
        return _not_member(request)
    return render(request, "members/m/card_print.html", context)


@member_required
def card_lost(request: ViewerRequest) -> HttpResponse:
    member = _member_or_none(request)
    if member is None:
        return _not_member(request)
    form = CardLostForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: self_service.card_report_lost(actor=request.user, member=member),
    ):
        messages.success(
            request,
            _("卡号 %(card)s 已挂失，不能再使用。请联系%(union)s补办新卡")
            % {"card": done.value.number, "union": member.union.name},
        )
        return redirect("members_m:card")
    return render(
        request,
        "members/m/card_lost.html",
        {"form": form, "member": member, "card": self_service.own_card(member), "title": _("挂失")},
    )


# --- profile, corrections, history ---------------------------------------------------------------


@member_required
@require_GET
def profile(request: ViewerRequest) -> HttpResponse:
    member = _member_or_none(request)
    if member is None:
        return _not_member(request)
    rows = [
        (label, corrections.current_value(member, field))
        for field, (label, _d) in corrections.CORRECTABLE.items()
        if field not in ("id_number", "phone")
    ]
    return render(
        request,
        "members/m/profile.html",
        {
            "member": member,
            "rows": rows,
            "requests": [
                (c, corrections.changes_of(c)) for c in corrections.own_corrections(member=member)
            ],
            "title": _("我的信息"),
        },
    )


@member_required
def correction_new(request: ViewerRequest) -> HttpResponse:
    member = _member_or_none(request)
    if member is None:
        return _not_member(request)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data.get(f, "") for f in corrections.CORRECTABLE}
        if submit_form(
            request,
            form,
            lambda: corrections.correction_request(
                actor=request.user, member=member, values=values, note=form.cleaned_data["note"]
            ),
            _("更正申请已提交，所在工会审核后会通知您"),
        ):
            return redirect("members_m:profile")
    current = {
        f: corrections.current_value(member, f)
        for f in corrections.CORRECTABLE
        if f not in ("id_number", "phone")
    }
    current["id_number"] = member.masked_id_number
    current["phone"] = member.masked_phone
    for name, field in form.fields.items():
        if name in current:
            field.help_text = _("现登记：%(value)s") % {"value": current[name] or "—"}
    return render(request, "members/m/correction.html", {"form": form, "title": _("申请更正信息")})


@member_required
@require_GET
def history(request: ViewerRequest) -> HttpResponse:
    member = _member_or_none(request)
    if member is None:
        return _not_member(request)
    return render(
        request,
        "members/m/history.html",
        {
            "member": member,
            "changes": self_service.own_history(member),
            "transfers": self_service.own_transfers(member),
            "cards": member.cards.all(),
            "title": _("我的会籍"),
        },
    )


# --- joining -------------------------------------------------------------------------------------


@member_required
def join(request: ViewerRequest) -> HttpResponse:
    """Apply to join: find the union in the directory, then the application form."""
    finder = JoinFindForm(request.GET or None)
    find, joint = "", False
    if finder.is_valid():
        find, joint = finder.cleaned_data["find"].strip(), finder.cleaned_data["joint"]
    initial = {}
    picked = org_selectors.directory_get(code=request.GET.get("union", ""))
    if picked is not None and picked.kind in GRASSROOTS_KINDS:
        initial["union"] = picked.code
    form = JoinApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        union = org_selectors.directory_get(code=data.pop("union"))
        if union is None:
            form.add_error("union", _("组织目录中没有这个编码"))
        elif submit_form(
            request,
            form,
            lambda: applications.join_apply(applicant=request.user, union=union, **data),
            _("入会申请已提交，请等待工会审批"),
        ):
            return redirect("members_m:join")
    return render(
        request,
        "members/m/join.html",
        {
            "form": form,
            "finder": finder,
            "find": find,
            "joint": joint,
            "results": org_selectors.directory_unions(find=find, joint=joint),
            "picked": picked if initial else None,
            "own": applications.own_applications(applicant=request.user),
            "is_member": _member_or_none(request) is not None,
            "title": _("申请入会"),
        },
    )
