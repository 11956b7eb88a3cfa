"""Validators for national identifiers shared by every module (DOMAIN.md §1).

python-stdnum supplies the algorithms and the region table; its ``validate()`` functions are not
used where they reject real codes (DOMAIN.md §1.1a, §1.2).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from stdnum import numdb
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.dateranges import EARLIEST_BIRTH

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 登记管理部门代码 (GB 32100-2015): 1–9, A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_DEPARTMENTS = frozenset("123456789ANY")
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


_WHITESPACE = re.compile(r"\s+")
_ID18 = re.compile(r"\d{17}[\dX]")
_ID15 = re.compile(r"\d{15}")


def normalize_code(value: str) -> str:
    """Full-width to half-width, spaces removed, upper case."""
    if value and value.isascii() and value.isalnum():  # an import's cells: already a code
        return value.upper()
    return _WHITESPACE.sub("", (value or "").translate(_FULLWIDTH)).upper()


def validate_uscc(value: str, *, required_prefix: str = "") -> str:
    """Return the normalized 统一社会信用代码 or raise a ValidationError naming the rule."""
    code = normalize_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位") % {"n": len(code)}, code="uscc_length"
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）")
            % {"chars": "".join(bad)},
            code="uscc_chars",
        )
    if code[0] not in USCC_DEPARTMENTS:
        raise ValidationError(
            _("统一社会信用代码第1位（登记管理部门代码）%(c)s 无效") % {"c": code[0]},
            code="uscc_department",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第3至8位应为行政区划代码（6位数字）"), code="uscc_region"
        )
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验码错误：第18位应为 %(expected)s") % {"expected": expected},
            code="uscc_check",
        )
    if required_prefix and not code.startswith(required_prefix):
        raise ValidationError(
            _("统一社会信用代码应以 %(prefix)s 开头") % {"prefix": required_prefix},
            code="uscc_prefix",
        )
    return code


@functools.lru_cache(maxsize=8192)  # a few thousand codes; the numdb lookup is slow
def region_name(code: str) -> str | None:
    """The name of a GB/T 2260 code known in any period (province, city or county), or None."""
    if not re.fullmatch(r"\d{6}", code or ""):
        return None
    info = numdb.get("cn/loc").info(code)
    if len(info) < 2 or not info[1][1]:
        return None
    name = info[1][1].get("county", "")
    return re.sub(r"^\[[^\]]*\]", "", name) or None


def validate_region_code(value: str) -> str:
    code = normalize_code(value)
    if not re.fullmatch(r"\d{6}", code):
        raise ValidationError(_("行政区划代码应为6位数字"), code="region_format")
    if region_name(code) is None:
        raise ValidationError(
            _("行政区划代码 %(code)s 不在 GB/T 2260 代码表中") % {"code": code},
            code="region_unknown",
        )
    return code


# --- personal ID numbers (DOMAIN.md §1.1, §1.1a, §2.6) --------------------------------------------


class IdType(models.TextChoices):
    RESIDENT = "resident", _l("居民身份证")
    HK_MACAO_PERMIT = "hk_macao", _l("港澳居民居住证")
    TAIWAN_PERMIT = "taiwan", _l("台湾居民居住证")
    FOREIGN_PERMANENT = "foreign", _l("外国人永久居留身份证")
    PASSPORT = "passport", _l("护照")


@dataclass(frozen=True)
class PersonalId:
    """A validated ID: the normalized number and what it tells of its holder."""

    id_type: str
    number: str
    birth_date: dt.date | None = None
    gender: str = ""  # "M" or "F" where the number encodes it
    region: str = ""


def _check_char(number18: str) -> str:
    # ISO 7064 MOD 11-2; python-stdnum takes the full number and ignores its last character.
    return ric.calc_check_digit(number18)


def _birth_date(digits: str, label: str | Promise) -> dt.date:
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            _("%(label)s中的出生日期 %(digits)s 不是真实日期") % {"label": label, "digits": digits},
            code="id_birth_date",
        ) from None
    if born > dt.date.today() or born < EARLIEST_BIRTH:
        raise ValidationError(
            _("%(label)s中的出生日期 %(date)s 不合理") % {"label": label, "date": born.isoformat()},
            code="id_birth_date",
        )
    return born


def resident_id_from_15(number: str) -> str:
    """GB 11643-1989 → 1999: insert the century 19 and append the check character."""
    body = number[:6] + "19" + number[6:]
    return body + _check_char(body + "0")


def _validate_mod11(number: str, label: str | Promise) -> None:
    if not _ID18.fullmatch(number):
        raise ValidationError(
            _("%(label)s应为18位：17位数字加1位数字或X") % {"label": label}, code="id_format"
        )
    expected = _check_char(number)
    if number[17] != expected:
        raise ValidationError(
            _("%(label)s校验码错误：第18位应为 %(expected)s")
            % {"label": label, "expected": expected},
            code="id_check",
        )


def _validate_resident(number: str) -> PersonalId:
    label = IdType.RESIDENT.label  # lazy: translated only when a message is built
    if _ID15.fullmatch(number):
        number = resident_id_from_15(number)
    _validate_mod11(number, label)
    born = _birth_date(number[6:14], label)
    region = region_name(number[:6])  # known in any period: never stdnum's validate()
    if region is None or number[:2] in ("81", "82", "83"):
        raise ValidationError(
            _("居民身份证的地址码 %(code)s 不在行政区划代码表中") % {"code": number[:6]},
            code="id_region",
        )
    gender = "M" if int(number[16]) % 2 else "F"
    return PersonalId(IdType.RESIDENT, number, born, gender, region)


def _validate_permit(number: str, id_type: IdType, prefixes: tuple[str, ...]) -> PersonalId:
    label = str(id_type.label)
    _validate_mod11(number, label)
    if not number.startswith(prefixes):
        raise ValidationError(
            _("%(label)s应以 %(prefixes)s 开头")
            % {"label": label, "prefixes": "、".join(prefixes)},
            code="id_region",
        )
    born = _birth_date(number[6:14], label)
    gender = "M" if int(number[16]) % 2 else "F"
    return PersonalId(id_type, number, born, gender)


def _validate_foreign(number: str) -> PersonalId:
    label = str(IdType.FOREIGN_PERMANENT.label)
    if not number.startswith("9"):
        raise ValidationError(
            _("外国人永久居留身份证（2023年版）应为以9开头的18位号码"), code="id_format"
        )
    _validate_mod11(number, label)
    born = _birth_date(number[6:14], label)
    gender = "M" if int(number[16]) % 2 else "F"
    return PersonalId(IdType.FOREIGN_PERMANENT, number, born, gender)


def _validate_passport(number: str) -> PersonalId:
    if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        raise ValidationError(_("护照号码应为5至20位字母或数字"), code="id_format")
    return PersonalId(IdType.PASSPORT, number)


def validate_personal_id(id_type: str, value: str) -> PersonalId:
    """Validate an ID number of the given type; return it normalized, with birth date and
    gender where the number encodes them. Each type has its own rule (DOMAIN.md §2.6)."""
    number = normalize_code(value)
    if not number:
        raise ValidationError(_("证件号码不能为空"), code="id_empty")
    if id_type == IdType.RESIDENT:
        return _validate_resident(number)
    if id_type == IdType.HK_MACAO_PERMIT:
        return _validate_permit(number, IdType.HK_MACAO_PERMIT, ("810000", "820000"))
    if id_type == IdType.TAIWAN_PERMIT:
        return _validate_permit(number, IdType.TAIWAN_PERMIT, ("830000",))
    if id_type == IdType.FOREIGN_PERMANENT:
        return _validate_foreign(number)
    if id_type == IdType.PASSPORT:
        return _validate_passport(number)
    raise ValidationError(_("证件类型无效"), code="id_type")


def check_declared(
    person: PersonalId, *, gender: str = "", birth_date: dt.date | None = None
) -> None:
    """Reject a declared gender or birth date that disagrees with the number, naming both."""
    if gender and person.gender and gender != person.gender:
        labels = {"M": _("男"), "F": _("女")}
        raise ValidationError(
            {
                "gender": _("填写的性别“%(given)s”与证件号码显示的“%(derived)s”不一致")
                % {"given": labels.get(gender, gender), "derived": labels[person.gender]}
            }
        )
    if birth_date and person.birth_date and birth_date != person.birth_date:
        raise ValidationError(
            {
                "birth_date": _("填写的出生日期 %(given)s 与证件号码显示的 %(derived)s 不一致")
                % {"given": birth_date.isoformat(), "derived": person.birth_date.isoformat()}
            }
        )


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (a birthday on 29 February counts from 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
