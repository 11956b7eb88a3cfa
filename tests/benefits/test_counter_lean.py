"""The counter's lean path (issue 18 item 4): answers rendered without ninja's re-validation
still match their documented schemas byte for byte, and the card read decrypts nothing."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from ninja.responses import NinjaJSONEncoder

from gonghui.benefits.api import BenefitRedemptionOut, ShopVerifyOut
from gonghui.core import crypto
from gonghui.members.services.cards import card_state, card_token
from tests.conftest import Cast
from tests.factories import approved_offer, bearer, card_of, members, signed_merchant


def _as_ninja_renders(schema: type[Any], body: dict[str, Any]) -> bytes:
    """What ninja would have sent: the body validated against the schema, dumped, encoded."""
    dumped = schema.model_validate(body).model_dump()
    return json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


def test_the_counter_answers_are_what_their_schemas_render(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    client = Client(HTTP_AUTHORIZATION=bearer(cast.merchant)["Authorization"])
    token = card_token(card_of(member))
    verified = client.post("/api/shop/verify", {"token": token}, content_type="application/json")
    assert verified.status_code == 200
    assert verified["Content-Type"] == "application/json; charset=utf-8"
    body = verified.json()
    assert body["valid"] is True and [o["id"] for o in body["offers"]] == [offer.pk]
    assert verified.content == _as_ninja_renders(ShopVerifyOut, body)
    assert "value" in body["offers"][0] and isinstance(body["offers"][0]["value"], str)

    answers = [
        client.post(
            "/api/redemptions",
            {"token": token, "offer_id": offer.pk, "bill_amount": "88.50"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="lean-answer-0001",
        )
        for _ in range(2)  # the first redeems (201), the retry answers the same row (200)
    ]
    assert [a.status_code for a in answers] == [201, 200]
    first, again = (a.json() for a in answers)
    assert first == again and first["bill_amount"] == "88.50"
    for answer in answers:
        assert answer.content == _as_ninja_renders(BenefitRedemptionOut, answer.json())


def test_the_schemas_stay_documented_for_the_lean_operations(cast: Cast) -> None:
    schema = Client().get("/api/openapi.json").json()
    verify = schema["paths"]["/api/shop/verify"]["post"]["responses"]["200"]
    redeem = schema["paths"]["/api/redemptions"]["post"]["responses"]
    assert verify["content"]["application/json"]["schema"]["$ref"].endswith("/ShopVerifyOut")
    for status in ("200", "201"):
        ref = redeem[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/BenefitRedemptionOut")


def test_the_counters_card_read_decrypts_no_personal_field(cast: Cast, monkeypatch: Any) -> None:
    (member,) = members(cast, 1)
    number = card_of(member)
    decrypted: list[str] = []
    original = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a: decrypted.append(a[1]) or original(*a))
    verification, card = card_state(number)
    assert verification.valid and card is not None and card.member.pk == member.pk
    assert verification.masked_name.startswith(member.name[:1])
    assert decrypted == []
    # a deferred field is still read (and decrypted) on first use, never wrongly
    assert card.member.id_number == member.id_number and decrypted


def test_a_redemption_and_its_audit_row_are_written_together(cast: Cast) -> None:
    """The redemption and its audit row go in one statement on PostgreSQL: the row still names
    the redemption, its actor, the masked card and the discount."""
    from decimal import Decimal

    from gonghui.benefits.services import shop
    from gonghui.core.models import AuditEvent
    from tests.conftest import fresh

    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    number = card_of(member)
    redemption = shop.redemption_create(
        actor=fresh(cast.merchant),
        offer_id=offer.pk,
        bill_amount=Decimal("50"),
        client_key="linked-audit-0001",
        token=card_token(number),
    )
    event = AuditEvent.objects.get(action="benefits.offer.redeemed")
    assert (event.target_type, event.target_id) == ("benefits.redemption", str(redemption.pk))
    assert event.actor_id == cast.merchant.pk and event.org_path == merchant.org_path
    assert event.target_label == f"{merchant.pk}/linked-audit-0001"
    assert event.after == {
        "offer": offer.pk,
        "card": crypto.mask_card_number(number),
        "discount": str(redemption.discount),
    }
