"""The member card on the phone: a QR of the rotating token and the dynamic code, refreshed by a
fragment; a screenshot stops working within the next minute; 挂失 kills the card at once."""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.members.models import CardStatus, Member
from gonghui.members.services.cards import WINDOW_SECONDS, card_replace, card_token, card_verify
from gonghui.members.services.self_service import live_proof
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import register

# A card check by one counter account (the typed-code limit is counted per account).
check_card = partial(card_verify, guesser="user:test")

NOW = 1_790_000_000.0  # a fixed instant: tests never sleep


@pytest.fixture
def member(cast: Cast) -> Member:
    return register(cast, account=cast.member)


def phone(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def shown_code(html: str) -> str:
    match = re.search(r"data-card-code>(\d{3}) (\d{3})<", html)
    assert match, html
    return match.group(1) + match.group(2)


def test_card_page_shows_svg_qr_and_a_code_that_verifies_now(cast: Cast, member: Member) -> None:
    response = phone(cast.member).get("/m/card/")
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html and 'class="segno"' in html
    assert "no-cache" in response["Cache-Control"]  # a stale token must not come from a cache
    card = member.cards.get(status=CardStatus.ACTIVE)
    assert card.number in html
    assert check_card(card_no=card.number, code=shown_code(html)).valid
    # The strict CSP: the page carries no inline script or style attribute.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html
    assert "members/card.js" in html


def test_the_fragment_is_refetched_and_carries_the_refresh_time(cast: Cast, member: Member) -> None:
    response = phone(cast.member).get("/m/card/live/")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="gh-card-live"')
    refresh_at = int(re.search(r'data-refresh-at="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert refresh_at % WINDOW_SECONDS == 0
    card = member.cards.get(status=CardStatus.ACTIVE)
    assert check_card(card_no=card.number, code=shown_code(html)).valid


def test_a_screenshot_of_the_qr_expires_within_the_next_minute(member: Member) -> None:
    card = member.cards.get(status=CardStatus.ACTIVE)
    proof = live_proof(card, now=NOW)
    assert proof.token == card_token(card.number, NOW)
    assert proof.refresh_at > NOW and proof.refresh_at - NOW <= WINDOW_SECONDS
    assert check_card(token=proof.token, now=NOW).valid
    # Still good while the minute turns (a code read at 59 s works at 61 s) ...
    assert check_card(token=proof.token, now=proof.refresh_at + 1).valid
    # ... and dead once the next minute is over.
    late = card_verify(
        guesser="user:test", token=proof.token, now=proof.refresh_at + WINDOW_SECONDS
    )
    assert not late.valid and "过期" in late.reason
    assert not card_verify(
        guesser="user:test", card_no=card.number, code=proof.code, now=NOW + 3 * WINDOW_SECONDS
    ).valid


def test_printable_card_has_print_css_and_no_live_token(cast: Cast, member: Member) -> None:
    html = phone(cast.member).get("/m/card/print/").content.decode()
    card = member.cards.get(status=CardStatus.ACTIVE)
    assert card.number in html and "gh-print-card" in html and "data-print" in html
    assert "<svg" not in html and member.masked_id_number in html


def test_report_lost_needs_confirmation_then_the_card_no_longer_verifies(
    cast: Cast, member: Member
) -> None:
    client = phone(cast.member)
    card = member.cards.get(status=CardStatus.ACTIVE)
    token = card_token(card.number)
    assert "确认挂失" in client.get("/m/card/lost/").content.decode()
    response = client.post("/m/card/lost/", {})  # no confirmation: nothing happens
    assert response.status_code == 200 and member.cards.get(pk=card.pk).status == CardStatus.ACTIVE
    response = client.post("/m/card/lost/", {"confirm": "on"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.LOST and card.ended_on is not None
    refused = check_card(token=token)
    assert not refused.valid and "挂失" in refused.reason
    event = AuditEvent.objects.get(action="members.card.reported_lost")
    assert event.actor_id == cast.member.pk and event.org_path == member.org_path
    assert "补办" in client.get("/m/card/").content.decode()
    # The union sees it on its to-do panel and issues the replacement.
    officer = phone(cast.grassroots_officer)
    assert "挂失待补办" in officer.get("/").content.decode()
    new = card_replace(actor=fresh(cast.grassroots_officer), member=member, reason="遗失")
    assert new.number != card.number and check_card(token=card_token(new.number)).valid
    assert new.number in client.get("/m/card/").content.decode()


def test_only_the_member_sees_their_card(cast: Cast, member: Member) -> None:
    for user in (cast.grassroots_officer, cast.merchant, cast.sibling_officer):
        for url in ("/m/card/", "/m/card/live/", "/m/card/print/", "/m/card/lost/"):
            assert phone(user).get(url).status_code == 404, (user, url)
    assert Client().get("/m/card/")["Location"].startswith("/m/login/")
    other = factories.make_account("member", "worker2")
    html = phone(other).get("/m/card/").content.decode()
    assert member.name not in html and "还没有会员记录" in html
    assert phone(other).get("/m/card/live/").status_code == 404
    assert phone(other).post("/m/card/lost/", {"confirm": "on"}).status_code == 200
    assert member.cards.filter(status=CardStatus.ACTIVE).exists()
