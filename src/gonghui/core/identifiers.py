"""Validators for national identifiers shared by every module (DOMAIN.md §1).

python-stdnum supplies the algorithms and the region table; its ``validate()`` functions are not
used where they reject real codes (DOMAIN.md §1.1a, §1.2).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import uscc as stdnum_uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 登记管理部门代码 (GB 32100-2015): 1–9, A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_DEPARTMENTS = frozenset("123456789ANY")
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def normalize_code(value: str) -> str:
    """Full-width to half-width, spaces removed, upper case."""
    return re.sub(r"\s+", "", (value or "").translate(_FULLWIDTH)).upper()


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
