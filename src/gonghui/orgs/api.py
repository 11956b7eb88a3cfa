from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gonghui.orgs import selectors, services
from gonghui.orgs.models import Org, OrgKind

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
            "code": org.code, "name": org.name, "kind": org.kind,
            "kind_label": str(OrgKind(org.kind).label),
            "parent_code": org.parent.code if org.parent else None,
            "path": org.path, "depth": org.depth, "region_code": org.region_code,
            "uscc": org.uscc, "founded_on": org.founded_on, "chair_name": org.chair_name,
            "status": org.status,
        }


class OrgPage(Schema):
    items: list[OrgOut]
    next: str | None


class OrgIn(Schema):
    parent_code: str = Field(..., max_length=32)
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=120)
    kind: OrgKind
    region_code: str = Field("", max_length=6)
    uscc: str = Field("", max_length=24)
    founded_on: dt.date | None = None
    chair_name: str = Field("", max_length=50)


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
    q: str = Field("", max_length=100)
    kind: str = Field("", max_length=20)
    parent: str = Field("", max_length=32)
    limit: int = Field(20, ge=1, le=100)


def _encode_cursor(path: str) -> str:
    return base64.urlsafe_b64encode(path.encode()).decode()


def _decode_cursor(cursor: str) -> str:
    if not cursor:
        return ""
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return "\uffff"  # an unreadable cursor is past the end: an empty page, not an error


@router.get("/{code}", response=OrgOut)
def org_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One org in the caller's scope (outside scope: 404)."""
    return OrgOut.from_org(selectors.org_get(viewer=request.user, code=code))


@router.get("/{code}/children", response=OrgPage)
def org_children(request: HttpRequest, code: str, params: Query[ChildrenQuery]) -> dict[str, Any]:
    """Active children, ordered, a page at a time: pass ``next`` back as ``cursor``."""
    org = selectors.org_get(viewer=request.user, code=code)
    rows = selectors.org_children(viewer=request.user, org=org,
                                  after=_decode_cursor(params.cursor), limit=params.limit + 1)
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return {"items": [OrgOut.from_org(o) for o in rows],
            "next": _encode_cursor(rows[-1].path) if more else None}


@router.post("", response={201: OrgOut})
def org_create(request: HttpRequest, payload: OrgIn) -> tuple[int, dict[str, Any]]:
    """Create a child org under ``parent_code`` (needs ``orgs.manage`` there)."""
    parent = selectors.org_get(viewer=request.user, code=payload.parent_code.strip().upper())
    org = services.org_create(
        actor=request.user, parent=parent, code=payload.code, name=payload.name,
        kind=payload.kind.value, region_code=payload.region_code, uscc=payload.uscc,
        founded_on=payload.founded_on, chair_name=payload.chair_name,
    )
    org.refresh_from_db()
    return 201, OrgOut.from_org(org)


@directory_router.get("", response=DirectoryPage)
def directory(request: HttpRequest, params: Query[DirectoryQuery]) -> dict[str, Any]:
    """The org directory, readable by every account: code, name, kind, region, parent."""
    rows = selectors.directory_search(query=params.q, kind=params.kind,
                                      parent_code=params.parent, limit=params.limit)
    return {"items": [
        {"code": o.code, "name": o.name, "kind": o.kind, "kind_label": str(OrgKind(o.kind).label),
         "region_code": o.region_code, "parent_code": o.parent.code if o.parent else None}
        for o in rows
    ]}
