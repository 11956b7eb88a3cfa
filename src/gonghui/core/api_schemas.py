"""What every API router shares: the error bodies, the NUL-free text pattern, dates and amounts
(see gonghui/api.py)."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from gonghui.core.dateranges import EARLIEST_BIRTH, EARLIEST_EVENT, LATEST
from gonghui.core.forms import PLAIN_DECIMAL

__all__ = ["NO_NUL", "Amount", "BirthDate", "ErrorOut", "EventDate", "InvalidOut", "lean_json"]

# Text an API accepts must not contain NUL: PostgreSQL cannot store or even compare it, so it
# would be a 500 there. Declared as a pattern so the schema says so and clients get a 422
# (gonghui/api.py words that 422 in Chinese).
NO_NUL = r"^[^\x00]*$"

# Dates in an API input, inside core.dateranges' range (422 "不能小于…" / "不能大于…").
EventDate = Annotated[dt.date, Field(ge=EARLIEST_EVENT, le=LATEST)]
BirthDate = Annotated[dt.date, Field(ge=EARLIEST_BIRTH, le=LATEST)]


def _plain_decimal(value: Any) -> Any:
    """JSON numbers and strings of plain digits; no exponent in a string, nothing infinite
    (a JSON ``1e309`` arrives as float infinity). Error type ``plain_decimal`` (gonghui.api
    words it in Chinese)."""
    if isinstance(value, bool):
        raise PydanticCustomError("plain_decimal", "not a plain decimal number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticCustomError("plain_decimal", "not a plain decimal number")
        return Decimal(str(value))
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value.strip()):
        raise PydanticCustomError("plain_decimal", "not a plain decimal number")
    return value


# Money in an API input: at most 14 digits, 2 after the point, not negative. Narrow it further
# with another Field (``Annotated[Amount, Field(gt=0, max_digits=10)]``).
Amount = Annotated[
    Decimal, BeforeValidator(_plain_decimal), Field(ge=0, max_digits=14, decimal_places=2)
]


class ErrorOut(Schema):
    """A refusal (401, 403, 404, 429): one message."""

    detail: str


class InvalidOut(Schema):
    """422: every problem with the input, each naming the field and the rule."""

    detail: list[str]


def lean_json(data: Any, status: int = 200) -> HttpResponse:
    """A hot path's answer rendered as ninja renders it (gonghui.api's renderer: the same encoder,
    UTF-8 as written) but without validating it against the operation's response schema first:
    the schema still documents the operation, and a test checks the body against it. For the
    counter, where the validation cost more than a statement (issue 18 item 4)."""
    body = json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
