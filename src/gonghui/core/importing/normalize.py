"""Cell normalization for imports: what officers' spreadsheets really contain.

Full-width digits and letters, stray spaces (U+3000, NBSP), numbers that Excel stored as floats
(``410105.0``), dates as Excel serials, date cells or text in every common Chinese form.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.dateranges import date_range_error

# Full-width digits and Latin letters to half-width; the ideographic space to a plain space.
_FULLWIDTH = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
    0x3000: 0x20,
}
# Codes take the whole full-width ASCII block (－ ． ／ too): codes hold no Chinese punctuation.
_FULLWIDTH_ASCII = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
# Excel stores numbers as IEEE doubles: from 16 digits on, a code typed as a number is damaged.
_MAX_EXACT = 10**15
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS_HELP = "1985-03-12、1985.03.12、1985/3/12、1985年3月12日、1985年3月、19850312"


class CellError(ValueError):
    """A cell that cannot be converted; the message is shown to the officer (Chinese)."""


_BLANK = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]*")


def is_blank(text: str) -> bool:
    """Whether ``cell_text`` of this text is empty (spaces of every width only)."""
    return _BLANK.fullmatch(text) is not None


def normalize_text(value: str) -> str:
    """Half-width digits and letters, spaces collapsed and stripped."""
    if value.isascii():  # most cells of a roster: nothing to translate, str.split's spaces
        return " ".join(value.split())
    return _SPACES.sub(" ", value.translate(_FULLWIDTH)).strip()


def cell_text(value: Any) -> str:
    """A cell as text: integral floats lose their ``.0``, dates become ISO dates."""
    if type(value) is str:  # most cells, and every CSV cell
        return normalize_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return normalize_text(str(value))


def to_text(value: Any) -> str:
    # cell_text already normalizes a str (the common case: one pass, not two)
    return cell_text(value) if isinstance(value, str) else normalize_text(cell_text(value))


def to_code(value: Any) -> str:
    """An identifier or code: no spaces, upper case; a number must not have lost digits."""
    if type(value) is str and value.isascii():  # most cells: what cell_text would give, directly
        return "".join(value.split()).upper()
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("应为编码，不能是小数"))
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= _MAX_EXACT:
        raise CellError(_("数字位数过多，Excel 已丢失末尾几位，请把该列设置为“文本”格式后重新填写"))
    text = cell_text(value)
    if text.isascii():
        return "".join(text.split()).upper()
    return _SPACES.sub("", text.translate(_FULLWIDTH_ASCII)).upper()


def to_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("应为整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("应为整数"))
        return int(value)
    text = re.sub(r"[,，\s]", "", to_text(value))
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(v)s”不是整数") % {"v": text}) from None
    if number != number.to_integral_value():
        raise CellError(_("“%(v)s”不是整数") % {"v": text})
    return int(number)


def excel_serial_date(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise CellError(_("“%(v)s”不是有效的 Excel 日期") % {"v": cell_text(serial)})
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


_DATE_YMD = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_DATE_YM = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date_text(text: str) -> dt.date:
    """A date typed as text, in every form Chinese officers use (year-month means the 1st)."""
    text = _TIME_TAIL.sub("", normalize_text(text)).strip()
    try:
        if m := _DATE_YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DATE_COMPACT.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DATE_YM.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise CellError(_("“%(v)s”不是有效的日期") % {"v": text}) from None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return excel_serial_date(float(text))
    raise CellError(
        _("无法识别的日期“%(v)s”，可用格式：%(formats)s")
        % {"v": text, "formats": DATE_FORMATS_HELP}
    )


def to_date(value: Any, *, birth: bool = False) -> dt.date | None:
    """A date cell, inside core.dateranges' range (``birth=True`` for birth dates)."""
    day = _cell_date(value)
    if day is not None and (error := date_range_error(day, birth=birth)):
        raise CellError(error)
    return day


def to_birth_date(value: Any) -> dt.date | None:
    return to_date(value, birth=True)


def _cell_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("应为日期"))
    if isinstance(value, int | float):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date_text(str(int(value)))
        return excel_serial_date(float(value))
    text = to_text(value)
    return parse_date_text(text) if text else None


def header_key(value: Any) -> str:
    """A header cell reduced for matching: no spaces, no required-markers, lower case."""
    text = _SPACES.sub("", cell_text(value).translate(_FULLWIDTH))
    text = re.sub(r"[*＊]", "", text)
    text = re.sub(r"[（(](必填|选填|可选|必须)[)）]", "", text)
    return text.replace("（", "(").replace("）", ")").lower()
