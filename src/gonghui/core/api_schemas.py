"""The API's error bodies, shared by every router (see gonghui/api.py)."""

from __future__ import annotations

from ninja import Schema

__all__ = ["ErrorOut", "InvalidOut"]


class ErrorOut(Schema):
    """A refusal (401, 403, 404, 429): one message."""

    detail: str


class InvalidOut(Schema):
    """422: every problem with the input, each naming the field and the rule."""

    detail: list[str]
