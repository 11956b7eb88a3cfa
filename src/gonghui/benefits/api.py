"""JSON API of the benefits module: the offers members may see, and the counter's verify and
redeem for merchant staff (``POST /api/redemptions`` is idempotent by ``Idempotency-Key``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpResponse, JsonResponse
from ninja import Field, Header, Query, Router, Schema

from gonghui.benefits import selectors
from gonghui.benefits.models import Offer, Redemption
from gonghui.benefits.services import shop
from gonghui.core.api_schemas import NO_NUL, Amount, ErrorOut, InvalidOut, lean_json
from gonghui.core.observability import expected_refusal
from gonghui.core.scoping import ViewerRequest

offers_router = Router(tags=["benefits"])
shop_router = Router(tags=["benefits"])
redemptions_router = Router(tags=["benefits"])
# 400: a request body that is not JSON (gonghui.api answers it for every operation).
_COMMON: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidOut}


class BenefitOfferOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    value: Decimal
    item: str
    min_bill: Decimal
    valid_from: dt.date
    valid_until: dt.date
    segment: str
    merchant_id: int
    merchant_name: str
    category: str
    region_code: str
    address: str


class BenefitOfferQuery(Schema):
    category: str = Field("", max_length=12, pattern=NO_NUL)
    region: str = Field("", max_length=6, pattern=r"^\d*$")


def _offer(o: Offer) -> dict[str, Any]:
    return {
        "id": o.pk,
        "title": o.title,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "value": o.value,
        "item": o.item,
        "min_bill": o.min_bill,
        "valid_from": o.valid_from,
        "valid_until": o.valid_until,
        "segment": o.segment,
        "merchant_id": o.merchant_id,
        "merchant_name": o.merchant.name,
        "category": o.merchant.category,
        "region_code": o.merchant.region_code,
        "address": o.merchant.address,
    }


@offers_router.get("", response={200: list[BenefitOfferOut], **_COMMON})
def offer_list(request: ViewerRequest, params: Query[BenefitOfferQuery]) -> list[dict[str, Any]]:
    """Approved, current offers of signed merchants (installation-wide, like the card)."""
    rows = selectors.public_offers(category=params.category, region=params.region)[:500]
    return [_offer(o) for o in rows]


class ShopProofIn(Schema):
    token: str = Field("", max_length=200, pattern=NO_NUL)
    card_no: str = Field("", max_length=30, pattern=NO_NUL)
    code: str = Field("", max_length=10, pattern=NO_NUL)


class ShopVerifyOut(Schema):
    valid: bool
    reason: str
    masked_name: str
    union_name: str
    offers: list[BenefitOfferOut]


@shop_router.post("/verify", response={200: ShopVerifyOut, **_COMMON})
def shop_verify(request: ViewerRequest, payload: ShopProofIn) -> HttpResponse:
    """The card check and the offers this member may use here now (the answer is ShopVerifyOut,
    rendered without re-validation: tests/benefits/test_counter_lean.py checks it)."""
    merchant = shop.staff_merchant(request.user)
    result = shop.verify(
        merchant=merchant,
        actor=request.user,
        token=payload.token,
        card_no=payload.card_no,
        code=payload.code,
    )
    v = result.verification
    return lean_json(
        {
            "valid": v.valid,
            "reason": v.reason,
            "masked_name": v.masked_name,
            "union_name": v.union_name,
            "offers": [_offer(o) for o in result.offers],
        }
    )


class RedemptionIn(ShopProofIn):
    offer_id: int = Field(..., ge=1, le=2**62)
    bill_amount: Annotated[Amount, Field(gt=0, max_digits=10)]


class BenefitRedemptionOut(Schema):
    id: int
    offer_id: int
    bill_amount: Decimal
    discount: Decimal
    merchant_part: Decimal
    union_part: Decimal
    paid_amount: Decimal
    created_at: dt.datetime


class RedemptionRefusalOut(Schema):
    detail: str
    code: str


def _redemption(r: Redemption) -> dict[str, Any]:
    return {
        "id": r.pk,
        "offer_id": r.offer_id,
        "bill_amount": r.bill_amount,
        "discount": r.discount,
        "merchant_part": r.merchant_part,
        "union_part": r.union_part,
        "paid_amount": r.paid_amount,
        "created_at": r.created_at,
    }


@redemptions_router.post(
    "",
    response={
        201: BenefitRedemptionOut,
        200: BenefitRedemptionOut,
        409: RedemptionRefusalOut,
        **_COMMON,
    },
)
def redemption_create(
    request: ViewerRequest,
    payload: RedemptionIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=64),
) -> HttpResponse:
    """Redeem one use; a retry with the same key answers 200 with the first redemption; a refusal
    is 409 with the reason and a code: card (expired or forged proof, membership ended),
    merchant, offer, segment, campaign, signup, limit, quota, budget, min_bill."""
    try:
        redemption, created = shop.redemption_redeem(
            actor=request.user,
            offer_id=payload.offer_id,
            bill_amount=payload.bill_amount,
            client_key=idempotency_key,
            token=payload.token,
            card_no=payload.card_no,
            code=payload.code,
        )
    except shop.Refusal as exc:
        code = exc.error_list[0].code if exc.error_list else None
        body = {"detail": " ".join(exc.messages), "code": code or "refused"}
        # an expected answer, not a warning (the shape of RedemptionRefusalOut)
        refused = JsonResponse(body, status=409, json_dumps_params={"ensure_ascii": False})
        return expected_refusal(refused)
    # BenefitRedemptionOut, rendered without re-validation (tests/benefits/test_counter_lean.py)
    return lean_json(_redemption(redemption), status=201 if created else 200)
