"""Officers' pages under /benefits/: merchants (onboarding, signing, staff, plaque), offers and
their approval, campaigns, redemptions, complaints. Reports live in ``reports.py``."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.benefits import selectors
from gonghui.benefits.forms import (
    CampaignForm,
    MerchantForm,
    OfferForm,
    RenewForm,
    ReplyForm,
    StaffForm,
)
from gonghui.benefits.models import Category, MerchantStatus, OfferStatus
from gonghui.benefits.services import merchants as services
from gonghui.core.acting import acting_org
from gonghui.core.decorators import officer_required
from gonghui.core.forms import apply_service_errors
from gonghui.core.pagination import paginate, query_without_page
from gonghui.core.scoping import ViewerRequest, prefix_q
from gonghui.core.views_support import run_service
from gonghui.core.workflow import history_of


def _can_manage(request: ViewerRequest, path: str) -> bool:
    return request.user.has_capability("benefits.manage", path)


@officer_required
@require_GET
def merchant_list(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    rows = selectors.merchant_list(
        viewer=request.user,
        query=request.GET.get("q", "")[:50],
        status=request.GET.get("status", "")[:12],
        category=request.GET.get("category", "")[:12],
    )
    return render(
        request,
        "benefits/merchant_list.html",
        {
            "page": paginate(request, rows),
            "params": query_without_page(request),
            "filters": request.GET,
            "statuses": MerchantStatus.choices,
            "categories": Category.choices,
        },
    )


@officer_required
def merchant_new(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    org = acting_org(request)
    form = MerchantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merchant = services.merchant_create(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您没有在本级工会登记普惠商户的权限"))
        else:
            messages.success(request, _("已登记商户，待签约"))
            return redirect(merchant.get_absolute_url())
    return render(
        request, "benefits/form.html", {"form": form, "title": _("登记普惠商户"), "org": org}
    )


@officer_required
@require_GET
def merchant_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    merchant = selectors.merchant_get(viewer=request.user, pk=pk)
    return render(
        request,
        "benefits/merchant_detail.html",
        {
            "merchant": merchant,
            "offers": merchant.offers.select_related("campaign").order_by("-id"),
            "staff": merchant.staff.select_related("user"),
            "history": history_of(merchant),
            "manage": _can_manage(request, merchant.org_path),
            "renew_form": RenewForm(initial={"agreement_end": merchant.agreement_end}),
            "staff_form": StaffForm(),
        },
    )


@officer_required
@require_POST
def merchant_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    merchant = selectors.merchant_get(viewer=request.user, pk=pk)

    def call() -> None:
        if action in services.TRANSITIONS:
            services.merchant_transition(
                actor=request.user,
                merchant=merchant,
                action=action,
                comment=request.POST.get("comment", "")[:200],
            )
        elif action == "renew":
            form = RenewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写有效的协议结束日期"))
            services.merchant_renew(actor=request.user, merchant=merchant, **form.cleaned_data)
        elif action == "staff":
            services.staff_link(
                actor=request.user,
                merchant=merchant,
                username=request.POST.get("username", "")[:150],
            )
        else:
            raise Http404

    run_service(request, call, _("已完成"))
    return redirect(merchant.get_absolute_url())


@officer_required
@require_GET
def merchant_plaque(request: ViewerRequest, pk: int) -> HttpResponse:
    """An A4 plaque for the shop window: the merchant's name and a QR to its page for members."""
    merchant = selectors.merchant_get(viewer=request.user, pk=pk)
    url = request.build_absolute_uri(reverse("benefits_m:merchant", args=[merchant.pk]))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
    return render(
        request,
        "benefits/plaque.html",
        {
            "merchant": merchant,
            "qr_svg": mark_safe(svg),  # noqa: S308 - generated by segno from our own URL
            "offers": merchant.offers.filter(status=OfferStatus.APPROVED),
        },
    )


# --- offers --------------------------------------------------------------------------------------


@officer_required
def offer_new(request: ViewerRequest, pk: int) -> HttpResponse:
    merchant = selectors.merchant_get(viewer=request.user, pk=pk)
    campaigns = selectors.campaign_list(viewer=request.user)
    form = OfferForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_create(actor=request.user, merchant=merchant, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您没有管理该商户优惠的权限"))
        else:
            messages.success(request, _("已录入优惠，待审核"))
            return redirect(merchant.get_absolute_url())
    return render(
        request,
        "benefits/form.html",
        {"form": form, "title": _("录入优惠：%(m)s") % {"m": merchant.name}},
    )


@officer_required
@require_GET
def offer_list(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    rows = selectors.offer_list(viewer=request.user, status=request.GET.get("status", "")[:12])
    return render(
        request,
        "benefits/offer_list.html",
        {
            "page": paginate(request, rows),
            "params": query_without_page(request),
            "filters": request.GET,
            "statuses": OfferStatus.choices,
        },
    )


@officer_required
@require_POST
def offer_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    offer = selectors.offer_get(viewer=request.user, pk=pk)
    if action not in ("approve", "withdraw"):
        raise Http404
    run_service(
        request,
        lambda: services.offer_transition(actor=request.user, offer=offer, action=action),
        _("已完成"),
    )
    return redirect("benefits:offer_list")


# --- campaigns -----------------------------------------------------------------------------------


@officer_required
def campaign_list(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_create(
                actor=request.user, org=acting_org(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您没有在本级工会组织优惠活动的权限"))
        else:
            messages.success(request, _("已创建优惠活动"))
            return redirect("benefits:campaign_list")
    rows = selectors.campaign_list(viewer=request.user)
    return render(request, "benefits/campaign_list.html", {"rows": rows[:200], "form": form})


@officer_required
@require_GET
def campaign_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(viewer=request.user, pk=pk)
    offers = selectors.offer_list(viewer=request.user).filter(campaign=campaign)
    return render(
        request,
        "benefits/campaign_detail.html",
        {"campaign": campaign, "offers": offers, "signups": campaign.signups.count()},
    )


# --- redemptions and complaints ------------------------------------------------------------------


@officer_required
@require_GET
def redemption_list(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    rows = selectors.redemption_list(viewer=request.user)
    org = request.GET.get("org", "")
    if org:
        rows = rows.filter(prefix_q("org_path", org[:255]))
    return render(
        request,
        "benefits/redemption_list.html",
        {"page": paginate(request, rows), "params": query_without_page(request)},
    )


@officer_required
def complaint_list(request: ViewerRequest) -> HttpResponse:
    selectors.require_view(request.user)
    rows = selectors.complaint_list(viewer=request.user)
    return render(
        request,
        "benefits/complaint_list.html",
        {
            "page": paginate(request, rows),
            "params": query_without_page(request),
            "form": ReplyForm(),
        },
    )


@officer_required
@require_POST
def complaint_handle(request: ViewerRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    run_service(
        request,
        lambda: services.complaint_handle(
            actor=request.user, complaint=complaint, reply=request.POST.get("reply", "")[:2000]
        ),
        _("已处理"),
    )
    return redirect("benefits:complaint_list")
