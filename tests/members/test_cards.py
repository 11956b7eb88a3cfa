"""Member cards: Luhn numbers that follow the membership, and a proof a typed number can't fake."""

from __future__ import annotations

from functools import partial

from stdnum import luhn

from gonghui.members.models import CardStatus
from gonghui.members.selectors import MemberFilters, member_list
from gonghui.members.services.cards import (
    WINDOW_SECONDS,
    card_code,
    card_replace,
    card_token,
    card_verify,
)
from gonghui.members.services.members import member_change_status, transfer_accept, transfer_issue
from tests import factories
from tests.conftest import Cast, fresh
from tests.factories import register

# A card check by one counter account (the typed-code limit is counted per account).
check_card = partial(card_verify, guesser="user:test")

NOW = 1_790_000_000.0  # a fixed instant: tests never sleep


def active_card(member):  # type: ignore[no-untyped-def]
    return member.cards.get(status=CardStatus.ACTIVE)


def test_registration_issues_a_luhn_card_with_the_province_code(cast: Cast) -> None:
    number = active_card(register(cast)).number
    assert len(number) == 13 and number.startswith("41") and luhn.is_valid(number)


def test_the_card_follows_transfer_and_dies_with_the_membership(cast: Cast) -> None:
    member = register(cast)
    number = active_card(member).number
    receiver = factories.make_officer(cast.sibling_grassroots, "chair", "west_chair")
    transfer = transfer_issue(
        actor=fresh(cast.grassroots_officer),
        member=member,
        to_union=cast.sibling_grassroots,
        reason="调动",
    )
    transfer_accept(actor=fresh(receiver), transfer=transfer)
    assert active_card(member).number == number  # kept on transfer
    member_change_status(actor=fresh(receiver), member=member, action="withdraw", reason="本人申请")
    assert not member.cards.filter(status=CardStatus.ACTIVE).exists()
    assert check_card(card_no=number, code=card_code(number, NOW), now=NOW).valid is False


def test_replacement_gives_a_new_number_and_kills_the_old(cast: Cast) -> None:
    member = register(cast)
    old = active_card(member).number
    new = card_replace(actor=fresh(cast.grassroots_officer), member=member, reason="遗失").number
    assert new != old and member.cards.get(number=old).status == CardStatus.LOST
    refused = check_card(card_no=old, code=card_code(old, NOW), now=NOW)
    assert not refused.valid and "挂失" in refused.reason
    assert check_card(token=card_token(new, NOW), now=NOW).valid


def test_a_fresh_token_verifies_with_masked_holder(cast: Cast) -> None:
    member = register(cast)
    number = active_card(member).number
    result = check_card(token=card_token(number, NOW), now=NOW)
    assert (
        result.valid and result.masked_name == "张*" and result.union_name == cast.grassroots.name
    )
    # the minute before still passes (a code read at 59 s), two minutes before does not
    assert card_verify(
        guesser="user:test", token=card_token(number, NOW - WINDOW_SECONDS), now=NOW
    ).valid
    expired = card_verify(
        guesser="user:test", token=card_token(number, NOW - 2 * WINDOW_SECONDS), now=NOW
    )
    assert not expired.valid and "过期" in expired.reason


def test_forged_tokens_and_bare_numbers_prove_nothing(cast: Cast) -> None:
    number = active_card(register(cast)).number
    token = card_token(number, NOW)
    other = str(int(number) + 1)
    forged = token.replace(number, other, 1)
    assert check_card(token=forged, now=NOW).reason == "二维码无效"
    assert check_card(token="garbage", now=NOW).reason == "二维码无效"
    assert not check_card(card_no=number, now=NOW).valid  # no code
    wrong = "000000" if card_code(number, NOW) != "000000" else "111111"
    assert not check_card(card_no=number, code=wrong, now=NOW).valid
    assert card_verify(
        guesser="user:test", card_no=number, code=card_code(number, NOW), now=NOW
    ).valid


def test_search_by_card_number_within_scope(cast: Cast) -> None:
    member = register(cast)
    number = active_card(member).number
    assert list(
        member_list(viewer=fresh(cast.county_officer), filters=MemberFilters(query=number))
    ) == [member]
    assert not member_list(
        viewer=fresh(cast.sibling_officer), filters=MemberFilters(query=number)
    ).exists()


def test_odd_proofs_are_refused_not_crashing(cast: Cast) -> None:
    number = active_card(register(cast)).number
    for token in ("1.--5.x", "1.²3.x", f"{number}.1.签名", f"{number}.{'9' * 40}.x"):
        assert check_card(token=token, now=NOW).valid is False
    for code in ("一二三四五六", "12345", "１２３４５６"):
        assert check_card(card_no=number, code=code, now=NOW).valid is False
