"""Members' phone pages under /m/benefits/: offers of the whole installation by category and
region, a merchant's page (the plaque's QR leads here), my redemptions, complaints, sign-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.benefits import selectors
from gonghui.benefits.forms import ComplaintForm
from gonghui.benefits.models import Category
from gonghui.benefits.services import merchants as services
from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form


@member_required
@require_GET
def offers(request: ViewerRequest) -> HttpResponse:
    category = request.GET.get("category", "")[:12]
    region = "".join(c for c in request.GET.get("region", "")[:6] if c.isdigit())
    rows = selectors.public_offers(category=category, region=region)[:200]
    return render(
        request,
        "benefits/m_offers.html",
        {"rows": rows, "categories": Category.choices, "category": category, "region": region},
    )


@member_required
@require_GET
def merchant(request: ViewerRequest, pk: int) -> HttpResponse:
    shop = selectors.public_merchant_get(pk)
    return render(
        request,
        "benefits/m_merchant.html",
        {"merchant": shop, "offers": selectors.merchant_offers(merchant=shop)},
    )


@member_required
@require_GET
def mine(request: ViewerRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "benefits/m_mine.html",
        {
            "rows": selectors.my_redemptions(user=user)[:100],
            "complaints": selectors.my_complaints(user=user)[:50],
        },
    )


@member_required
def complain(request: ViewerRequest, pk: int) -> HttpResponse:
    user = request.user
    shop = selectors.public_merchant_get(pk)
    form = ComplaintForm(request.POST or None)
    if submit_form(
        request,
        form,
        lambda: services.complaint_submit(
            actor=user, merchant=shop, content=form.cleaned_data["content"]
        ),
        _("投诉已提交，签约工会将处理"),
        denied=_("只有会员本人可以投诉"),
    ):
        return redirect("benefits_m:mine")
    return render(request, "benefits/m_complain.html", {"merchant": shop, "form": form})


@member_required
@require_POST
def signup(request: ViewerRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = selectors.public_campaign_get(pk)
    try:
        services.campaign_signup(actor=user, campaign=campaign)
    except (ValidationError, PermissionDenied) as exc:
        text = (
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else _("只有会员本人可以报名")
        )
        messages.error(request, text)
    else:
        messages.success(request, _("已报名“%(c)s”") % {"c": campaign.name})
    return redirect("benefits_m:offers")
