"""gonghui backup / restore: a restored database equals the one backed up."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Employer, Org, Post
from tests import factories


def snapshot() -> dict[str, list]:
    return {
        "orgs": sorted(Org.objects.values_list("code", "name", "path", "status")),
        "employers": sorted(Employer.objects.values_list("name", "uscc", "org_path")),
        "posts": sorted(Post.objects.values_list("user__username", "org__code", "role")),
        "phones": sorted((u.username, u.phone) for u in User.objects.all()),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_exactly_what_was_backed_up(tmp_path: Path) -> None:
    province = factories.make_org(None, "province", "备份省总工会", "BK")
    union = factories.make_org(province, "grassroots", "备份工会", "BK-1")
    factories.make_employer(province, union=union, name="备份单位")
    factories.make_officer(union, "chair", "bk_chair", phone="13700000007")
    before = snapshot()
    out = tmp_path / "gonghui.backup"
    call_command("backup", str(out))
    assert out.stat().st_size > 0 and oct(out.stat().st_mode & 0o777) == "0o600"

    factories.make_org(province, "grassroots", "备份之后新建", "BK-2")
    Employer.objects.all().delete()
    User.objects.filter(username="bk_chair").update(full_name="改过")
    assert snapshot() != before

    call_command("restore", str(out), "--yes")
    assert snapshot() == before


def test_restore_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "none"), "--yes")
