"""core.crypto: AES-GCM with key id tags, blind index, masking (DESIGN.md rule 3)."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.test import override_settings

from gonghui.core import crypto


def test_round_trip_and_tag_format() -> None:
    token = crypto.encrypt("410105197001011234", "members.member.id_number")
    prefix, algorithm, kid, _ = token.split("$")
    assert (prefix, algorithm) == ("gh1", "A256GCM") and kid.startswith("k")
    assert crypto.decrypt(token, "members.member.id_number") == "410105197001011234"
    assert crypto.encrypt("same", "c") != crypto.encrypt("same", "c")  # random nonce


def test_a_ciphertext_is_bound_to_its_field() -> None:
    token = crypto.encrypt("13800000000", "accounts.user.phone")
    with pytest.raises(InvalidTag):
        crypto.decrypt(token, "members.member.phone")


def test_old_keys_still_decrypt_after_a_change_of_key() -> None:
    token = crypto.encrypt("secret", "ctx")
    from django.conf import settings

    old = settings.GONGHUI_PII_KEY
    new = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with override_settings(GONGHUI_PII_KEY=new, GONGHUI_PII_OLD_KEYS=[old]):
        crypto.reset_keyring()
        assert crypto.decrypt(token, "ctx") == "secret"
        assert crypto.encrypt("x", "ctx").split("$")[2] != token.split("$")[2]
    crypto.reset_keyring()


def test_blind_index_is_deterministic_and_namespaced() -> None:
    assert crypto.blind_index("phone", "13800000000") == crypto.blind_index("phone", "13800000000")
    assert crypto.blind_index("phone", "13800000000") != crypto.blind_index("id", "13800000000")


def test_masks_keep_what_rule_3_allows_and_no_more() -> None:
    """Rule 3: an ID keeps first 4 and last 2 (every type), a phone 3 and 2, a bank account 4."""
    assert crypto.mask_phone("13812345678") == "138******78"
    assert crypto.mask_id_number("41010519700101123X") == "4101************3X"
    assert crypto.mask_id_number("810000199001011234") == "8100************34"  # 港澳居住证
    assert crypto.mask_id_number("H12345678") == "H********"  # short: never half shown
    assert crypto.mask_student_id("41010520100101123X") == "4101************3X"
    assert crypto.mask_bank_account("6222020200112233445") == "***************3445"
    assert crypto.mask_tail("1234") == "****"
    assert crypto.mask_id_number("") == crypto.mask_phone("") == crypto.mask_bank_account("") == ""


def test_batch_crypto_gives_what_one_value_at_a_time_gives() -> None:
    from gonghui.core.crypto import blind_index, blind_indexes, decrypt, encrypt_many

    values = ["11010519491231002X", "", "13800000000", "张三"]
    assert blind_indexes("id", values) == [blind_index("id", v) for v in values]
    sealed = encrypt_many(values, "members.member.id_number")
    assert sealed[1] == ""  # the empty value stays empty, as the fields store it
    assert len({s[-20:] for s in sealed if s}) == 3  # a fresh nonce each
    assert [decrypt(s, "members.member.id_number") if s else "" for s in sealed] == values
