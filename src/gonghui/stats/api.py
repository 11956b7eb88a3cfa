"""``GET /api/stats/{code}``: the figures of a subtree, with the CLI's key names."""

from __future__ import annotations

from typing import Any

from ninja import Path, Router, Schema

from gonghui.core.api_schemas import ErrorOut, InvalidOut
from gonghui.core.replicas import replica_reads
from gonghui.core.scoping import ViewerRequest
from gonghui.stats.selectors import jsonable, stats_for

router = Router(tags=["stats"])


class StatsOut(Schema):
    org: str
    name: str
    figures: dict[str, int | float | None]
    households: dict[str, int]
    as_of: str | None  # when the figures above each org were last summed (截至), ISO 8601


@router.get(
    "/{code}",
    response={200: StatsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    url_name="stats_detail",
)
def stats_detail(
    request: ViewerRequest, code: str = Path(..., max_length=32, pattern=r"^[A-Za-z0-9-]+$")
) -> dict[str, Any]:
    """Figures of the org's subtree (needs ``stats.view`` there): counts and rates (%)."""
    with replica_reads():  # a read-only heavy path: the replica serves it when healthy
        result = stats_for(viewer=request.user, code=code.upper())
    result["figures"] = jsonable(result["figures"])
    return result
