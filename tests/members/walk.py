"""Objects of the other county that tests/test_scoping_walk.py walks: a member import job."""

from __future__ import annotations

from tests.conftest import Cast

SECRETS: list[str] = ["东区会员花名册.xlsx"]


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    from gonghui.core.models import ImportJob

    job, _ = ImportJob.objects.get_or_create(
        importer="gonghui.members.importers.MemberImporter",
        original_name="东区会员花名册.xlsx",
        defaults={
            "actor": cast.grassroots_officer,
            "org_path": cast.grassroots.path,
            "status": "done",
            "source": "imports/walk-members.xlsx",
            "errors_file": "imports/errors/walk-members.xlsx",
        },
    )
    return {"api:job_detail": {"id": [str(job.pk)]}}
