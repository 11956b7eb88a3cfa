"""Objects of the other county that tests/test_scoping_walk.py walks: a member, its transfer
and a member import job."""

from __future__ import annotations

from gonghui.members.models import Member
from gonghui.members.services.members import transfer_issue
from gonghui.orgs.models import Org
from tests.conftest import Cast
from tests.factories import fresh, make_org, register

SECRETS: list[str] = ["东区会员花名册.xlsx"]
MEMBER_SECRET = "东郊会员甲"


def walk_member(cast: Cast) -> tuple[object, object]:
    """A member of the other county and a transfer between two of its unions."""
    member = Member.objects.filter(name=MEMBER_SECRET).first() or register(
        cast, name=MEMBER_SECRET, phone="13911112222"
    )
    second = Org.objects.filter(code="EAST-G2").first() or make_org(
        cast.town, "grassroots", "东区第二工会委员会", "EAST-G2"
    )
    transfer = member.transfers.first() or transfer_issue(  # type: ignore[attr-defined]
        actor=fresh(cast.grassroots_officer), member=member, to_union=second, reason="调动"
    )
    return member, transfer


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
