"""Login, the acting post, officer accounts (分级授权), the capability matrix, and the
landing pages of member and merchant accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.accounts import selectors
from gonghui.accounts.forms import (
    ActivationForm,
    LoginForm,
    OfficerCreateForm,
    PasswordChangeForm,
)
from gonghui.accounts.models import AccountType, User
from gonghui.accounts.services import accounts as services
from gonghui.core.acting import choose_acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.net import client_ip
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.scoping import holds_anywhere
from gonghui.core.views_support import run_service, submit_form
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.capabilities import CAPABILITIES, DEFAULTS, effective_matrix
from gonghui.orgs.forms import PostAssignForm
from gonghui.orgs.models import Level, PostRole
from gonghui.orgs.services import orgs as org_services


class AccountRequest(HttpRequest):
    """A request from a logged-in account (every view here requires one)."""

    user: User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if getattr(user, "account_type", "") == AccountType.MEMBER:
            return "/m/"
        if getattr(user, "account_type", "") == AccountType.MERCHANT:
            return "/shop/"
        return super().get_default_redirect_url()


@officer_required
@require_POST
def switch_post(request: AccountRequest) -> HttpResponse:
    try:
        post_id = int(request.POST.get("post", ""))
    except ValueError as exc:
        raise Http404 from exc
    post = next((p for p in request.user.active_posts if p.pk == post_id), None)
    if post is None or not choose_acting_org(request, post.org_id):
        raise Http404
    return redirect("core:home")


def _require_account_manager(request: AccountRequest) -> None:
    user = request.user
    if not holds_anywhere(user, "accounts.officer.manage"):
        raise PermissionDenied("accounts.officer.manage")


@officer_required
@require_GET
def officer_list(request: AccountRequest) -> HttpResponse:
    _require_account_manager(request)
    qs = selectors.officer_list(viewer=request.user, query=request.GET.get("q", ""))
    if request.GET.get("locked") == "1":
        from django.utils import timezone

        qs = qs.filter(locked_until__gt=timezone.now())
    return render(
        request,
        "accounts/officer_list.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "q": request.GET.get("q", ""),
        },
    )


@officer_required
def officer_create(request: AccountRequest) -> HttpResponse:
    _require_account_manager(request)
    form = OfficerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["org"] = org_selectors.org_get(viewer=request.user, code=data["org"].upper())
        except Http404:
            form.add_error("org", _("在您的管辖范围内找不到该组织编码"))
        else:
            # A post the actor may not grant is refused on the role, with the reason it names.
            if done := submit_form(
                request,
                form,
                lambda: services.officer_create(actor=request.user, **data),
                denied_field="role",
            ):
                created = done.value
                user = created.user
                _keep_link(request, user.pk, created.activation_token)
                messages.success(request, _("已创建干部账号：%(u)s") % {"u": user.username})
                return redirect("accounts:officer_detail", pk=user.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("新建干部账号")})


_LINK_KEY = "accounts.activation_link.%s"


def _keep_link(request: AccountRequest, pk: int, token: str) -> None:
    """Hand the one-time link to the next page only (the token is stored nowhere else)."""
    request.session[_LINK_KEY % pk] = token


@officer_required
def officer_detail(request: AccountRequest, pk: int) -> HttpResponse:
    officer = selectors.officer_get(viewer=request.user, pk=pk)
    _require_account_manager(request)
    token = request.session.pop(_LINK_KEY % officer.pk, None)
    link = request.build_absolute_uri(reverse("accounts:activate", args=[token])) if token else ""
    return render(
        request,
        "accounts/officer_detail.html",
        {
            "officer": officer,
            "posts": selectors.officer_posts(viewer=request.user, user=officer),
            "manageable": services.user_manageable_by(request.user, officer),
            "resettable": services.user_manageable_by(request.user, officer, credentials=True),
            "post_form": PostAssignForm(),
            "activation_link": link,
            "activation_hours": int(services.ACTIVATION_TTL.total_seconds() // 3600),
        },
    )


def _officer_action(request: AccountRequest, pk: int, action: str) -> HttpResponse:
    officer = selectors.officer_get(viewer=request.user, pk=pk)
    _require_account_manager(request)

    def act() -> None:
        if action == "unlock":
            services.user_unlock(actor=request.user, user=officer)
        elif action in ("activate", "deactivate"):
            services.user_set_active(actor=request.user, user=officer, active=action == "activate")
        elif action == "password":
            token = services.user_reset_password(actor=request.user, user=officer)
            _keep_link(request, officer.pk, token)
        elif action == "assign":
            post_form = PostAssignForm(request.POST)
            if not post_form.is_valid():
                raise ValidationError(_("请填写任职组织和职务"))
            org = org_selectors.org_get(
                viewer=request.user, code=post_form.cleaned_data["org"].upper()
            )
            org_services.post_assign(
                actor=request.user, user=officer, org=org, role=post_form.cleaned_data["role"]
            )

    run_service(request, act, _("已保存"))
    return redirect("accounts:officer_detail", pk=officer.pk)


@officer_required
@require_POST
def officer_action(request: AccountRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("unlock", "activate", "deactivate", "password", "assign"):
        raise Http404
    return _officer_action(request, pk, action)


@officer_required
@require_POST
def post_end(request: AccountRequest, pk: int) -> HttpResponse:
    post = org_selectors.post_get(viewer=request.user, pk=pk)
    try:
        org_services.post_end(actor=request.user, post=post)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已办理离任"))
    return redirect("accounts:officer_detail", pk=post.user_id)


def activate(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: the officer sets their own password (no login needed: the link is
    the credential; an unknown, used or expired link is a 404)."""
    if services.activation_user(token=token) is None:
        raise Http404
    form = ActivationForm(request.POST or None)
    if submit_form(
        request,
        form,
        lambda: services.activation_complete(
            token=token,
            password=form.cleaned_data["new_password"],
            client=client_ip(request),
        ),
        _("密码已设置，请用新密码登录"),
    ):
        return redirect("accounts:login")
    return render(
        request,
        "accounts/password_form.html",
        {"form": form, "title": _("设置登录密码"), "bare": True},
    )


@officer_required
def password_change(request: AccountRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: services.password_change(
            user=request.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
        ),
    ):
        update_session_auth_hash(request, done.value)  # this session stays; every other ends
        messages.success(request, _("密码已修改，其他设备上的登录和接口令牌均已失效"))
        return redirect("core:home")
    return render(request, "accounts/password_form.html", {"form": form, "title": _("修改密码")})


@officer_required
@require_GET
def capability_matrix(request: AccountRequest) -> HttpResponse:
    """The role × level × capability matrix in force (defaults and this installation's changes).

    One list of (role, level) columns drives the group headers, the role headers and every cell,
    so a header can never name another column than the cells under it."""
    matrix = effective_matrix()
    role_order = {str(role): i for i, role in enumerate(PostRole)}
    level_order = {str(level): i for i, level in enumerate(Level)}
    columns = sorted(matrix, key=lambda col: (level_order[col[1]], role_order[col[0]]))
    groups = [
        {"label": Level(level).label, "span": sum(1 for _role, lv in columns if lv == level)}
        for level in dict.fromkeys(lv for _role, lv in columns)
    ]
    rows = [
        {
            "capability": cap,
            "cells": [
                {
                    "role": PostRole(role).label,
                    "level": Level(level).label,
                    "granted": cap.code in matrix[(role, level)],
                    "changed": (cap.code in matrix[(role, level)])
                    != (cap.code in DEFAULTS.get((role, level), frozenset())),
                }
                for role, level in columns
            ],
        }
        for cap in CAPABILITIES
    ]
    headers = [{"role": PostRole(r).label, "level": Level(lv).label} for r, lv in columns]
    return render(
        request,
        "accounts/capability_matrix.html",
        {"rows": rows, "headers": headers, "groups": groups},
    )
