"""JSON API of the app: the archive in scope, masked (unmasked values are an audited action of
the pages only), and the identification computation as a preview."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Path, Router, Schema

from gonghui.assistance import selectors
from gonghui.assistance.models import HardshipCase
from gonghui.assistance.rules import identify
from gonghui.assistance.services.identification import rule_for
from gonghui.core.api_schemas import Amount, ErrorOut, InvalidOut
from gonghui.core.scoping import ViewerRequest
from gonghui.orgs import selectors as org_selectors

router = Router(tags=["assistance"])
_SCOPED: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
MAX_ID = 2**63 - 1


class CaseOut(Schema):
    id: int
    name: str
    id_number_masked: str
    union_code: str
    union_name: str
    household_size: int
    per_capita: Decimal | None
    category: str
    category_label: str
    computed_category: str
    status: str
    status_label: str
    archived_on: dt.date | None


class CaseDetailOut(CaseOut):
    computation: dict[str, Any]
    override_reason: str
    causes: list[str]
    bank_account_masked: str


def _case(case: HardshipCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "name": case.name,
        "id_number_masked": case.masked_id_number,
        "union_code": case.org.code,
        "union_name": case.org.name,
        "household_size": case.household_size,
        "per_capita": case.per_capita,
        "category": case.category,
        "category_label": str(case.get_category_display()),
        "computed_category": case.computed_category,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "archived_on": case.archived_on,
    }


@router.get("/cases", response={200: list[CaseOut], **_SCOPED})
def assistance_case_list(
    request: ViewerRequest, status: str = "", category: str = ""
) -> list[dict[str, Any]]:
    """Hardship archives in the caller's scope, newest first (at most 500), masked."""
    rows = selectors.case_list(viewer=request.user, status=status, category=category)
    return [_case(c) for c in rows[:500]]


@router.get("/cases/{id}", response={200: CaseDetailOut, **_SCOPED})
def assistance_case_detail(
    request: ViewerRequest, id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """One archive with its identification computation and the rule behind it (masked)."""
    case = selectors.case_get(viewer=request.user, pk=id)
    return {
        **_case(case),
        "computation": case.computation,
        "override_reason": case.override_reason,
        "causes": list(case.causes),
        "bank_account_masked": case.masked_bank_account,
    }


class IdentifyIn(Schema):
    org: str
    area: str = "urban"
    household_size: int
    annual_income: Amount
    rigid: Amount = Decimal(0)
    event: str = ""
    event_costs: Amount = Decimal(0)


class IdentifyOut(Schema):
    category: str
    per_capita: Decimal
    line: Decimal
    relative_line: Decimal
    rule_org: str
    steps: list[str]


@router.post("/identify", response={200: IdentifyOut, 400: ErrorOut, **_SCOPED})
def assistance_identify(request: ViewerRequest, payload: IdentifyIn) -> dict[str, Any]:
    """The category a household would get under the rule in force for an org in scope (no
    record is written)."""
    org = org_selectors.org_get(viewer=request.user, code=payload.org.strip().upper())
    if payload.household_size < 1:
        from ninja.errors import HttpError

        raise HttpError(422, "household_size must be at least 1")
    result = identify(
        rule=rule_for(org.path, timezone.localdate()),
        area=payload.area,
        annual_income=payload.annual_income,
        rigid=payload.rigid,
        household_size=payload.household_size,
        event=payload.event,
        event_costs=payload.event_costs,
    )
    return {
        "category": result.category,
        "per_capita": result.per_capita,
        "line": result.line,
        "relative_line": result.relative_line,
        "rule_org": result.rule.source,
        "steps": [str(s) for s in result.steps],
    }
