from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from gonghui.core.api_schemas import NO_NUL, ErrorOut, EventDate, InvalidOut
from gonghui.core.scoping import ViewerRequest
from gonghui.orgs import selectors
from gonghui.orgs.models import PATH_ALPHABET, PATH_STEP, Org, OrgKind
from gonghui.orgs.services import orgs as services

# Every status an operation can answer with is declared, so clients and the schema agree.
_REFUSALS: dict[int, type[Schema]] = {401: ErrorOut, 422: InvalidOut}
_SCOPED = {**_REFUSALS, 404: ErrorOut}

router = Router(tags=["orgs"])
directory_router = Router(tags=["directory"])


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent_code: str | None
    path: str
    depth: int
    region_code: str
    uscc: str
    founded_on: dt.date | None
    chair_name: str
    status: str

    @staticmethod
    def from_org(org: Org) -> dict[str, Any]:
        return {
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "kind_label": str(OrgKind(org.kind).label),
            "parent_code": org.parent.code if org.parent else None,
            "path": org.path,
            "depth": org.depth,
            "region_code": org.region_code,
            "uscc": org.uscc,
            "founded_on": org.founded_on,
            "chair_name": org.chair_name,
            "status": org.status,
        }


class OrgPage(Schema):
    items: list[OrgOut]
    next: str | None


class OrgIn(Schema):
    parent_code: str = Field(..., max_length=32, pattern=NO_NUL)
    code: str = Field(..., max_length=32, pattern=NO_NUL)
    name: str = Field(..., max_length=120, pattern=NO_NUL)
    kind: OrgKind
    region_code: str = Field("", max_length=6, pattern=NO_NUL)
    uscc: str = Field("", max_length=24, pattern=NO_NUL)
    founded_on: EventDate | None = None
    chair_name: str = Field("", max_length=50, pattern=NO_NUL)


class DirectoryEntry(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    region_code: str
    parent_code: str | None


class DirectoryPage(Schema):
    items: list[DirectoryEntry]


class ChildrenQuery(Schema):
    cursor: str = Field("", max_length=200)
    limit: int = Field(50, ge=1, le=200)


class DirectoryQuery(Schema):
    q: str = Field("", max_length=100, pattern=NO_NUL)
    kind: str = Field("", max_length=20, pattern=NO_NUL)
    parent: str = Field("", max_length=32, pattern=NO_NUL)
    limit: int = Field(20, ge=1, le=100)


def _encode_cursor(path: str) -> str:
    return base64.urlsafe_b64encode(path.encode()).decode()


def _decode_cursor(cursor: str) -> str | None:
    """The path a ``next`` cursor points after; None for a cursor this API never issued."""
    if not cursor:
        return ""
    try:
        path = base64.urlsafe_b64decode(cursor.encode()).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not path or len(path) % PATH_STEP or not set(path) <= set(PATH_ALPHABET):
        return None
    return path


# An org code in the URL: any text but NUL (which would be a 500 on PostgreSQL).
OrgCode = Path(..., pattern=NO_NUL)


@router.get("/{code}", response={200: OrgOut, **_SCOPED})
def org_detail(request: ViewerRequest, code: str = OrgCode) -> dict[str, Any]:
    """One org in the caller's scope (outside scope: 404)."""
    return OrgOut.from_org(selectors.org_get(viewer=request.user, code=code))


@router.get("/{code}/children", response={200: OrgPage, **_SCOPED})
def org_children(
    request: ViewerRequest, params: Query[ChildrenQuery], code: str = OrgCode
) -> dict[str, Any]:
    """Active children, ordered, a page at a time: pass ``next`` back as ``cursor``."""
    org = selectors.org_get(viewer=request.user, code=code)
    after = _decode_cursor(params.cursor)
    if after is None:  # an unreadable cursor is past the end: an empty page, not an error
        return {"items": [], "next": None}
    rows = selectors.org_children(viewer=request.user, org=org, after=after, limit=params.limit + 1)
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return {
        "items": [OrgOut.from_org(o) for o in rows],
        "next": _encode_cursor(rows[-1].path) if more else None,
    }


@router.post("", response={201: OrgOut, 400: ErrorOut, 403: ErrorOut, **_SCOPED})
def org_create(request: ViewerRequest, payload: OrgIn) -> Status[dict[str, Any]]:
    """Create a child org under ``parent_code`` (needs ``orgs.manage`` there)."""
    parent = selectors.org_get(viewer=request.user, code=payload.parent_code.strip().upper())
    org = services.org_create(
        actor=request.user,
        parent=parent,
        code=payload.code,
        name=payload.name,
        kind=payload.kind.value,
        region_code=payload.region_code,
        uscc=payload.uscc,
        founded_on=payload.founded_on,
        chair_name=payload.chair_name,
    )
    org.refresh_from_db()
    return Status(201, OrgOut.from_org(org))


@directory_router.get("", response={200: DirectoryPage, **_REFUSALS})
def directory(request: HttpRequest, params: Query[DirectoryQuery]) -> dict[str, Any]:
    """The org directory, readable by every account: code, name, kind, region, parent."""
    rows = selectors.directory_search(
        query=params.q, kind=params.kind, parent_code=params.parent, limit=params.limit
    )
    return {
        "items": [
            {
                "code": o.code,
                "name": o.name,
                "kind": o.kind,
                "kind_label": str(OrgKind(o.kind).label),
                "region_code": o.region_code,
                "parent_code": o.parent.code if o.parent else None,
            }
            for o in rows
        ]
    }
