"""Audit rows carry masked card numbers (DESIGN.md rule 3; issue 16 item 9): a card number
with its current code verifies a member at a merchant, so the log never holds it whole."""

from __future__ import annotations

import json
from decimal import Decimal

from gonghui.benefits.services import shop as counter
from gonghui.core.crypto import mask_card_number
from gonghui.core.models import AuditEvent
from gonghui.members.models import Card
from gonghui.members.services.cards import card_replace, card_token
from tests.conftest import Cast, fresh
from tests.factories import approved_offer, card_of, members, signed_merchant


def test_mask_card_number_keeps_the_last_four() -> None:
    assert mask_card_number("4101050000017") == "*********0017"
    assert mask_card_number("") == ""


def test_card_audit_rows_hold_no_full_card_number(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, quota=10)
    (member,) = members(cast, 1)
    counter.redemption_create(
        actor=fresh(cast.merchant),
        offer_id=offer.pk,
        bill_amount=Decimal("50"),
        client_key="mask-key-0001",
        token=card_token(card_of(member)),
    )
    card_replace(actor=fresh(cast.grassroots_officer), member=member, reason="遗失")
    numbers = list(Card.objects.values_list("number", flat=True))
    assert len(numbers) >= 2
    actions = {"members.card.issued", "members.card.replaced", "benefits.offer.redeemed"}
    events = AuditEvent.objects.filter(action__in=actions)
    assert {e.action for e in events} == actions
    for event in events:
        stored = json.dumps([event.before, event.after, event.target_label], ensure_ascii=False)
        assert not any(number in stored for number in numbers), (event.action, stored)
        assert "*" in stored
