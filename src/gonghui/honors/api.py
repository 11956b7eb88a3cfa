"""JSON API of the honours app: the award catalogue and the holders in the caller's scope
(masked: an ID number is shown as its first 4 and last 2 characters)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema

from gonghui.core.api_schemas import ErrorOut, InvalidOut
from gonghui.core.scoping import ViewerRequest
from gonghui.honors import selectors
from gonghui.honors.models import AwardType, Honour

router = Router(tags=["honors"])
_SCOPED: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}


class AwardOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    recipient_kind: str
    cycle: str
    national: bool
    term_years: int | None
    publicity_days: int
    requires_membership: bool
    model_worker: bool
    active: bool


class HolderOut(Schema):
    id: int
    name: str
    id_number_masked: str
    gender: str
    award_code: str
    award_name: str
    level: str
    conferred_on: dt.date
    certificate_no: str
    union_code: str
    union_name: str
    status: str
    status_label: str
    term_ends_on: dt.date | None
    front_line: bool
    migrant_worker: bool
    in_hardship: bool


def _award(t: AwardType) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.name,
        "level": t.level,
        "level_label": str(t.get_level_display()),
        "recipient_kind": t.recipient_kind,
        "cycle": t.cycle,
        "national": t.national,
        "term_years": t.term_years,
        "publicity_days": t.publicity_days,
        "requires_membership": t.requires_membership,
        "model_worker": t.model_worker,
        "active": t.active,
    }


def _holder(h: Honour) -> dict[str, Any]:
    return {
        "id": h.pk,
        "name": h.name,
        "id_number_masked": h.masked_id_number,
        "gender": h.gender,
        "award_code": h.award_type.code,
        "award_name": h.award_type.name,
        "level": h.level,
        "conferred_on": h.conferred_on,
        "certificate_no": h.certificate_no,
        "union_code": h.org.code,
        "union_name": h.org.name,
        "status": h.status,
        "status_label": str(h.get_status_display()),
        "term_ends_on": h.term_ends_on,
        "front_line": h.front_line,
        "migrant_worker": h.migrant_worker,
        "in_hardship": h.in_hardship,
    }


@router.get("/awards", response={200: list[AwardOut], 401: ErrorOut})
def honors_award_list(request: ViewerRequest) -> list[dict[str, Any]]:
    """The catalogue of award types (as data)."""
    return [_award(t) for t in selectors.award_types()]


@router.get("/holders", response={200: list[HolderOut], **_SCOPED})
def honors_holder_list(
    request: ViewerRequest, level: str = "", award: str = "", status: str = ""
) -> list[dict[str, Any]]:
    """Holders of honours in the caller's scope, newest first (at most 500), masked."""
    rows = selectors.honour_list(viewer=request.user, level=level, award_type=award, status=status)
    return [_holder(h) for h in rows[:500]]
