"""Shared by the orgs import/export commands: the acting officer and org from the CLI."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404

from gonghui.core.identifiers import normalize_code
from gonghui.core.importing.jobs import ImportCommand, usage_error
from gonghui.orgs import selectors
from gonghui.orgs.models import Org


def command_actor(username: str | None) -> Any:
    """The named active account, or without a name the installation's first administrator."""
    users = get_user_model().objects.filter(is_active=True)
    user = (
        users.filter(username=username).first()
        if username
        else users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise usage_error(f"找不到账号：{username}" if username else "没有可用的系统管理员账号")
    return user


def resolve_actor_and_org(*, org_code: str, username: str | None) -> tuple[Any, Org]:
    """The officer and an org in their scope; a usage error (exit 2) otherwise."""
    user = command_actor(username)
    try:
        org = selectors.org_get(viewer=user, code=normalize_code(org_code))
    except Http404:
        raise usage_error(
            f"组织编码 {org_code} 不存在或不在 {user.username} 的管辖范围内"
        ) from None
    return user, org


class OrgsImportCommand(ImportCommand):
    def resolve(self, *, org_code: str, username: str | None) -> tuple[Any, str, dict[str, Any]]:
        user, org = resolve_actor_and_org(org_code=org_code, username=username)
        assert self.importer.capability
        if not user.has_capability(self.importer.capability, org.path):
            raise usage_error(f"{user.username} 没有在 {org.code} 导入{self.importer.name}的权限")
        return user, org.path, {"org": org.code}
