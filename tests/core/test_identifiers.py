"""Personal ID rules of DOMAIN.md §1.1, §1.1a and §2.6, on worked numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from gonghui.core.identifiers import (
    IdType,
    age_on,
    check_declared,
    resident_id_from_15,
    validate_personal_id,
)


def with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_the_standards_worked_examples_are_valid() -> None:
    beijing = validate_personal_id(IdType.RESIDENT, "11010519491231002X")
    assert beijing.birth_date == dt.date(1949, 12, 31) and beijing.gender == "F"
    assert beijing.region == "朝阳区"
    # 潮阳县 existed 1983–1993 and its holder was born in 1880: valid in any period (§1.1a).
    shantou = validate_personal_id(IdType.RESIDENT, "440524188001010014")
    assert shantou.birth_date == dt.date(1880, 1, 1) and shantou.gender == "M"


def test_a_zhengzhou_member_born_before_1983_is_valid() -> None:
    """410105 金水区 starts in 1983 in the region table; a 1970 birth must still pass."""
    number = with_check("41010519700315123")
    person = validate_personal_id(IdType.RESIDENT, number)
    assert person.birth_date == dt.date(1970, 3, 15) and person.gender == "M"  # 3 is odd


def test_fifteen_digits_become_eighteen() -> None:
    assert resident_id_from_15("110105491231002") == "11010519491231002X"
    assert validate_personal_id(IdType.RESIDENT, "110105491231002").number == "11010519491231002X"


def test_input_is_normalized() -> None:
    person = validate_personal_id(IdType.RESIDENT, " １１０１０５１９４９１２３１００２x ")
    assert person.number == "11010519491231002X"


@pytest.mark.parametrize(
    "number,message",
    [
        ("110105194912310021", "第18位应为 X"),
        (with_check("41010519700230123"), "不是真实日期"),  # 30 February
        (with_check("99999919700101123"), "999999"),  # unknown in every period
        ("1101051949123100", "18位"),
        (with_check("41010530000101123"), "不合理"),  # born in the future
    ],
)
def test_bad_resident_numbers_are_rejected_naming_the_rule(number: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_personal_id(IdType.RESIDENT, number)
    assert message in str(exc.value)


def test_permits_and_other_types_have_their_own_rules() -> None:
    hk = validate_personal_id(IdType.HK_MACAO_PERMIT, with_check("81000019900101001"))
    assert hk.birth_date == dt.date(1990, 1, 1)
    # python-stdnum's table lacks 830000: the Taiwan permit is accepted explicitly.
    tw = validate_personal_id(IdType.TAIWAN_PERMIT, with_check("83000019850505002"))
    assert tw.gender == "F"
    with pytest.raises(ValidationError, match="810000"):
        validate_personal_id(IdType.HK_MACAO_PERMIT, with_check("41010519900101001"))
    with pytest.raises(ValidationError, match="地址码"):
        validate_personal_id(IdType.RESIDENT, with_check("81000019900101001"))
    foreign = validate_personal_id(IdType.FOREIGN_PERMANENT, with_check("91112419880808011"))
    assert foreign.birth_date == dt.date(1988, 8, 8) and foreign.gender == "M"
    assert validate_personal_id(IdType.PASSPORT, "e12345678").number == "E12345678"
    with pytest.raises(ValidationError):
        validate_personal_id(IdType.PASSPORT, "E1")


def test_declared_gender_and_birth_date_must_agree_naming_both_values() -> None:
    person = validate_personal_id(IdType.RESIDENT, "11010519491231002X")
    check_declared(person, gender="F", birth_date=dt.date(1949, 12, 31))
    with pytest.raises(ValidationError) as exc:
        check_declared(person, gender="M")
    assert "“男”" in str(exc.value) and "“女”" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        check_declared(person, birth_date=dt.date(1950, 1, 1))
    assert "1950-01-01" in str(exc.value) and "1949-12-31" in str(exc.value)


def test_age_counts_full_years() -> None:
    born = dt.date(2010, 5, 20)
    assert age_on(born, dt.date(2026, 5, 19)) == 15
    assert age_on(born, dt.date(2026, 5, 20)) == 16
