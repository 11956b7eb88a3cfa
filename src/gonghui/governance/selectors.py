"""Every read of the governance app, starting from the viewer's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from gonghui.core.scoping import Viewer
from gonghui.governance.models import Committee, CommitteeStatus


def committees_in_office(*, viewer: Viewer, org_path: str) -> QuerySet[Committee]:
    """The committees in office of one union within the viewer's scope."""
    return Committee.objects.for_viewer(viewer, "governance.view").filter(
        org_path=org_path, status=CommitteeStatus.IN_OFFICE
    )
