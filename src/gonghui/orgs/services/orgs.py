"""Every write to the union tree, employers and posts: one function per use case.

Each takes keyword-only arguments with a required ``actor``, runs in one transaction, locks the
rows whose state changes, checks the actor's capability and writes its audit row.
Acting on an org's place in the tree (move, merge, dissolve) needs the capability over its
parent: an officer reshapes what lies below their post, never the org that holds it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.core import cache_versions, counters, registry, rollups
from gonghui.core.audit import audit_record
from gonghui.core.identifiers import normalize_code, validate_region_code, validate_uscc
from gonghui.core.scoping import (
    Actor,
    ExplainedRefusal,
    prefix_q,
    require_capability,
    within,
)
from gonghui.orgs import counters as org_counters
from gonghui.orgs.capabilities import CAPABILITIES, grant_refusal
from gonghui.orgs.models import (
    ALLOWED_PARENTS,
    GRASSROOTS_KINDS,
    PATH_ALPHABET,
    PATH_STEP,
    TREE_VERSION_KEY,
    Employer,
    Org,
    OrgKind,
    OrgStatus,
    Post,
    PostRole,
)

CODE_PATTERN_HELP = _("2–32位大写字母、数字或连字符")
EMPLOYER_UNION_KINDS = frozenset({OrgKind.GRASSROOTS, OrgKind.ORGANIZER, OrgKind.JOINT})


def _segment(number: int) -> str:
    digits = []
    for _i in range(PATH_STEP):
        number, rem = divmod(number, len(PATH_ALPHABET))
        digits.append(PATH_ALPHABET[rem])
    if number:
        raise ValidationError(_("下级组织数量已达上限"), code="path_full")
    return "".join(reversed(digits))


def _lock(org: Org) -> Org:
    return Org.objects.select_for_update().get(pk=org.pk)


def _next_child_path(parent: Org | None) -> tuple[str, int]:
    """Allocate the next path segment under ``parent`` (locked by the caller) or at the root."""
    if parent is None:
        roots = (
            Org.objects.select_for_update()
            .filter(parent__isnull=True)
            .values_list("path", flat=True)
        )
        used = [int(p, 36) for p in roots]
        return _segment(max(used, default=0) + 1), 0
    parent.child_seq += 1
    Org.objects.filter(pk=parent.pk).update(child_seq=parent.child_seq)
    return parent.path + _segment(parent.child_seq), parent.depth + 1


def _check_kind(kind: str, parent: Org | None) -> None:
    if kind not in OrgKind.values:
        raise ValidationError({"kind": _("组织类型无效")})
    allowed = ALLOWED_PARENTS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        raise ValidationError(
            {
                "kind": _("%(kind)s 不能设在 %(parent)s 之下")
                % {
                    "kind": OrgKind(kind).label,
                    "parent": OrgKind(parent_kind).label if parent_kind else _("顶层"),
                }
            }
        )


def _clean_org_fields(
    *, kind: str, name: str, region_code: str, uscc: str, code: str | None = None
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {"name": " ".join((name or "").split())}
    if not cleaned["name"]:
        errors["name"] = _("组织名称不能为空")
    elif len(cleaned["name"]) > 120:
        errors["name"] = _("组织名称不能超过120个字")
    if code is not None:
        cleaned["code"] = normalize_code(code)
        if not _valid_code(cleaned["code"]):
            errors["code"] = _("组织编码应为%(rule)s") % {"rule": CODE_PATTERN_HELP}
        elif Org.objects.filter(code=cleaned["code"]).exists():
            errors["code"] = _("组织编码 %(code)s 已被使用") % {"code": cleaned["code"]}
    cleaned["region_code"] = ""
    if region_code:
        try:
            cleaned["region_code"] = validate_region_code(region_code)
        except ValidationError as exc:
            errors["region_code"] = exc.messages
    cleaned["uscc"] = ""
    if uscc:
        prefix = "81" if kind in GRASSROOTS_KINDS else "89"
        try:
            cleaned["uscc"] = validate_uscc(uscc, required_prefix=prefix)
        except ValidationError as exc:
            errors["uscc"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _valid_code(code: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Z0-9][A-Z0-9-]{1,31}", code))


def _snapshot(org: Org) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "parent": org.parent.code if org.parent else None,
        "path": org.path,
        "region_code": org.region_code,
        "uscc": org.uscc,
        "founded_on": org.founded_on,
        "chair_name": org.chair_name,
        "status": org.status,
    }


@transaction.atomic
def org_create(
    *,
    actor: Actor,
    parent: Org | None,
    code: str,
    name: str,
    kind: str,
    region_code: str = "",
    uscc: str = "",
    founded_on: dt.date | None = None,
    chair_name: str = "",
) -> Org:
    """Create a child org under ``parent`` (a root only for the installation's superuser)."""
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise ValidationError({"parent": _("请选择上级组织")})
    else:
        require_capability(actor, "orgs.manage", parent.path)
        parent = _lock(parent)
        if not parent.is_active:
            raise ValidationError({"parent": _("上级组织已撤销或合并，不能新建下级组织")})
    _check_kind(kind, parent)
    cleaned = _clean_org_fields(kind=kind, name=name, region_code=region_code, uscc=uscc, code=code)
    path, depth = _next_child_path(parent)
    org = Org.objects.create(
        parent=parent,
        kind=kind,
        path=path,
        depth=depth,
        founded_on=founded_on,
        chair_name=chair_name.strip(),
        **cleaned,
    )
    counters.change_weighted({}, org_counters.org_keys(org))
    audit_record(
        action="orgs.org.created", actor=actor, target=org, org_path=org.path, after=_snapshot(org)
    )
    return org


@transaction.atomic
def org_update(
    *,
    actor: Actor,
    org: Org,
    name: str,
    region_code: str = "",
    uscc: str = "",
    founded_on: dt.date | None = None,
    chair_name: str = "",
) -> Org:
    """Rename an org and edit its registration details (code, kind and place stay)."""
    require_capability(actor, "orgs.manage", org.path)
    org = _lock(org)
    if not org.is_active:
        raise ValidationError(_("已撤销或合并的组织不能修改"))
    before = _snapshot(org)
    cleaned = _clean_org_fields(kind=org.kind, name=name, region_code=region_code, uscc=uscc)
    for field, value in cleaned.items():
        setattr(org, field, value)
    org.founded_on = founded_on
    org.chair_name = chair_name.strip()
    org.save()
    tree_changed()
    after = _snapshot(org)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        action = "orgs.org.renamed" if "name" in changed else "orgs.org.updated"
        audit_record(
            action=action,
            actor=actor,
            target=org,
            org_path=org.path,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return org


def tree_changed() -> None:
    """Orgs, paths or posts changed: what is cached from them (an officer's posts and their
    capabilities, a merchant's path) is reloaded by every worker."""
    cache_versions.forget(TREE_VERSION_KEY)


def _rewrite_paths(old_prefix: str, new_prefix: str) -> None:
    """Rewrite a subtree's paths and every denormalized ``org_path`` below ``old_prefix``."""
    tree_changed()
    start = len(old_prefix) + 1
    delta = (len(new_prefix) - len(old_prefix)) // PATH_STEP
    Org.objects.filter(prefix_q("path", old_prefix)).update(
        path=Concat(Value(new_prefix), Substr("path", start), output_field=CharField()),
        depth=F("depth") + delta,
    )
    for model, field in registry.org_path_models():
        model._default_manager.filter(prefix_q(field, old_prefix)).update(
            **{field: Concat(Value(new_prefix), Substr(field, start), output_field=CharField())}
        )


def _move_locked(org: Org, new_parent: Org) -> None:
    _check_kind(org.kind, new_parent)
    old_path = org.path
    new_path, _depth = _next_child_path(new_parent)
    rollups.subtree_moved(old_path, new_path)  # the ancestors' folded figures (ADR 0018)
    _rewrite_paths(old_path, new_path)
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()


@transaction.atomic
def org_move(*, actor: Actor, org: Org, new_parent: Org) -> Org:
    """Move ``org`` and its whole subtree under ``new_parent``."""
    if org.parent_id is None:
        raise ValidationError(_("顶层组织不能迁移"))
    require_capability(actor, "orgs.manage", org.parent.path)  # type: ignore[union-attr]
    require_capability(actor, "orgs.manage", new_parent.path)
    org, new_parent = _lock(org), _lock(new_parent)
    if not org.is_active or not new_parent.is_active:
        raise ValidationError(_("已撤销或合并的组织不能迁移，也不能接收下级"))
    if within(new_parent.path, org.path):
        raise ValidationError({"new_parent": _("不能迁移到本组织或其下级组织之下")})
    if new_parent.pk == org.parent_id:
        raise ValidationError({"new_parent": _("该组织已在此上级组织之下")})
    before = {"parent": org.parent.code if org.parent else None, "path": org.path}
    _move_locked(org, new_parent)
    audit_record(
        action="orgs.org.moved",
        actor=actor,
        target=org,
        org_path=org.path,
        before=before,
        after={"parent": new_parent.code, "path": org.path},
    )
    return org


@transaction.atomic
def org_merge(*, actor: Actor, source: Org, target: Org) -> Org:
    """Merge ``source`` into ``target``: its children, employers and the rows of every model
    with an org path move to ``target`` (by the apps' merge handlers, or here), except those
    declared to stay (``registry.keep_path``); its posts end; it stays in the tree as 已合并."""
    if source.parent_id is None:
        raise ValidationError(_("顶层组织不能合并"))
    require_capability(actor, "orgs.manage", source.parent.path)  # type: ignore[union-attr]
    require_capability(actor, "orgs.manage", target.path)
    source, target = _lock(source), _lock(target)
    if source.pk == target.pk:
        raise ValidationError({"target": _("不能合并到自身")})
    if not source.is_active or not target.is_active:
        raise ValidationError(_("已撤销或合并的组织不能参与合并"))
    if within(target.path, source.path):
        raise ValidationError({"target": _("不能合并到本组织的下级组织")})
    if source.level != target.level:
        raise ValidationError({"target": _("基层工会只能并入基层工会，上级工会只能并入上级工会")})
    for child in Org.objects.select_for_update().filter(parent=source, status=OrgStatus.ACTIVE):
        _move_locked(child, target)
    moved_employers = Employer.objects.filter(union=source).update(
        union=target, org_path=target.path
    )
    Employer.objects.filter(union__isnull=True, registered_by=source).update(
        registered_by=target, org_path=target.path
    )
    today = timezone.localdate()
    Post.objects.filter(org=source, active=True).update(active=False, ended_on=today)
    tree_changed()
    for handler in registry.merge_handlers():
        handler(source=source, target=target, actor=actor)
    # Rows known by their parent row only (a case's attachment, an import job): re-pointed here,
    # so that no row of an undeclared model stays behind (system check gonghui.E202).
    for model, field in registry.merge_swept():
        model._default_manager.filter(**{field: source.path}).update(**{field: target.path})
    counted_before = org_counters.org_keys(source)
    source.status = OrgStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    counters.change_weighted(counted_before, org_counters.org_keys(source))
    org_counters.recount_employers([source.path, target.path])
    audit_record(
        action="orgs.org.merged",
        actor=actor,
        target=source,
        org_path=source.path,
        after={"into": target.code, "employers": moved_employers},
    )
    return target


@transaction.atomic
def org_dissolve(*, actor: Actor, org: Org, reason: str = "") -> Org:
    """Dissolve an empty org; refused while any registered guard reports it is not empty."""
    if org.parent_id is None:
        raise ValidationError(_("顶层组织不能撤销"))
    require_capability(actor, "orgs.manage", org.parent.path)  # type: ignore[union-attr]
    org = _lock(org)
    if not org.is_active:
        raise ValidationError(_("该组织已撤销或合并"))
    obstacles = registry.dissolve_obstacles(org)
    if obstacles:
        raise ValidationError(
            _("不能撤销“%(name)s”：") % {"name": org.name} + _("；").join(obstacles)
        )
    Post.objects.filter(org=org, active=True).update(active=False, ended_on=timezone.localdate())
    tree_changed()
    counted_before = org_counters.org_keys(org)
    org.status = OrgStatus.DISSOLVED
    org.save(update_fields=["status", "updated_at"])
    counters.change_weighted(counted_before, {})
    audit_record(
        action="orgs.org.dissolved",
        actor=actor,
        target=org,
        org_path=org.path,
        after={"reason": reason.strip()},
    )
    return org


def org_dissolve_guard(org: Org) -> list[str]:
    """The tree's own guard: active children and covered employers must go first."""
    reasons = []
    children = Org.objects.filter(parent=org, status=OrgStatus.ACTIVE).count()
    if children:
        reasons.append(
            ngettext(
                "仍有%(n)d个下级组织，请先迁移、合并或撤销",
                "仍有%(n)d个下级组织，请先迁移、合并或撤销",
                children,
            )
            % {"n": children}
        )
    employers = Employer.objects.filter(union=org).count()
    if employers:
        reasons.append(
            ngettext(
                "仍覆盖%(n)d个用人单位，请先调整其所属工会",
                "仍覆盖%(n)d个用人单位，请先调整其所属工会",
                employers,
            )
            % {"n": employers}
        )
    return reasons


# --- employers -------------------------------------------------------------------------------


def _clean_employer(
    *, name: str, uscc: str, employee_count: int, union: Org | None, ownership: str, exclude: int
) -> dict[str, Any]:
    from gonghui.orgs.models import OwnershipType

    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {"name": " ".join((name or "").split())}
    if not cleaned["name"]:
        errors["name"] = _("单位名称不能为空")
    cleaned["uscc"] = ""
    if uscc:
        try:
            cleaned["uscc"] = validate_uscc(uscc)
        except ValidationError as exc:
            errors["uscc"] = exc.messages
        else:
            if Employer.objects.filter(uscc=cleaned["uscc"]).exclude(pk=exclude).exists():
                errors["uscc"] = _("统一社会信用代码 %(c)s 已登记") % {"c": cleaned["uscc"]}
    if employee_count is None or employee_count < 0:
        errors["employee_count"] = _("职工人数不能为负数")
    if ownership not in OwnershipType.values:
        errors["ownership"] = _("经济类型无效")
    if union is not None and (union.kind not in EMPLOYER_UNION_KINDS or not union.is_active):
        errors["union"] = _("所属工会应为正常状态的基层工会或联合工会")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def employer_create(
    *,
    actor: Actor,
    registered_by: Org,
    name: str,
    union: Org | None = None,
    uscc: str = "",
    industry: str = "",
    ownership: str = "private",
    employee_count: int = 0,
    region_code: str = "",
) -> Employer:
    require_capability(actor, "orgs.employer.manage", registered_by.path)
    if union is not None:
        require_capability(actor, "orgs.employer.manage", union.path)
    cleaned = _clean_employer(
        name=name,
        uscc=uscc,
        employee_count=employee_count,
        union=union,
        ownership=ownership,
        exclude=0,
    )
    employer = Employer.objects.create(
        registered_by=registered_by,
        union=union,
        org_path=(union or registered_by).path,
        industry=industry.strip(),
        ownership=ownership,
        employee_count=employee_count,
        region_code=validate_region_code(region_code) if region_code else "",
        **cleaned,
    )
    counters.change_weighted({}, org_counters.employer_keys(employer))
    audit_record(
        action="orgs.employer.created",
        actor=actor,
        target=employer,
        org_path=employer.org_path,
        after={
            "name": employer.name,
            "uscc": employer.uscc,
            "union": union.code if union else None,
        },
    )
    return employer


@transaction.atomic
def employer_update(
    *,
    actor: Actor,
    employer: Employer,
    name: str,
    union: Org | None,
    uscc: str = "",
    industry: str = "",
    ownership: str = "private",
    employee_count: int = 0,
) -> Employer:
    """Edit an employer; setting or clearing ``union`` records 建会 or its loss."""
    require_capability(actor, "orgs.employer.manage", employer.org_path)
    if union is not None:
        require_capability(actor, "orgs.employer.manage", union.path)
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    cleaned = _clean_employer(
        name=name,
        uscc=uscc,
        employee_count=employee_count,
        union=union,
        ownership=ownership,
        exclude=employer.pk,
    )
    before = {
        "name": employer.name,
        "uscc": employer.uscc,
        "employee_count": employer.employee_count,
        "union": employer.union.code if employer.union else None,
    }
    counted_before = org_counters.employer_keys(employer)
    for field, value in cleaned.items():
        setattr(employer, field, value)
    employer.industry = industry.strip()
    employer.ownership = ownership
    employer.employee_count = employee_count
    employer.union = union
    employer.org_path = (union or employer.registered_by).path
    employer.save()
    counters.change_weighted(counted_before, org_counters.employer_keys(employer))
    after = {
        "name": employer.name,
        "uscc": employer.uscc,
        "employee_count": employer.employee_count,
        "union": union.code if union else None,
    }
    audit_record(
        action="orgs.employer.updated",
        actor=actor,
        target=employer,
        org_path=employer.org_path,
        before=before,
        after=after,
    )
    return employer


# --- posts ------------------------------------------------------------------------------------


class GrantRefused(ExplainedRefusal):
    """The post carries capabilities the actor lacks; its message (Chinese) names them. The
    org is already known to be in the actor's scope, so saying so leaks nothing."""


def post_grant_check(*, actor: Actor, org: Org, role: str) -> None:
    """May ``actor`` give someone ``role`` at ``org``? Every door that grants a post (the
    officer pages, the services behind them, seeding) comes through here: the actor needs
    accounts.officer.manage over the org and must itself hold, there or above, every
    capability the post carries at the org's level, unless it holds accounts.grant_any."""
    require_capability(actor, "accounts.officer.manage", org.path)
    if role not in PostRole.values:
        raise ValidationError({"role": _("职务无效")})
    missing = grant_refusal(actor, role, org.level, org.path)
    if missing:
        labels = "、".join(str(c.label) for c in CAPABILITIES if c.code in missing)
        raise GrantRefused(
            _("不能授予本人不具备的权限：%(role)s 在该组织拥有%(caps)s")
            % {"role": PostRole(role).label, "caps": labels}
        )


@transaction.atomic
def post_assign(
    *, actor: Actor, user: Actor, org: Org, role: str, started_on: dt.date | None = None
) -> Post:
    """Give ``user`` a post at ``org`` (分级授权: inside the actor's own subtree, and only
    capabilities the actor holds itself)."""
    post_grant_check(actor=actor, org=org, role=role)
    if not org.is_active:
        raise ValidationError({"org": _("已撤销或合并的组织不能任职")})
    if getattr(user, "account_type", "officer") != "officer":
        raise ValidationError({"user": _("只有干部账号可以担任工会职务")})
    if Post.objects.filter(user=user, org=org, role=role, active=True).exists():
        raise ValidationError({"role": _("该账号已在此组织担任此职务")})
    post = Post.objects.create(
        user=user,
        org=org,
        role=role,
        org_path=org.path,
        started_on=started_on or timezone.localdate(),
    )
    tree_changed()
    audit_record(
        action="orgs.post.assigned",
        actor=actor,
        target=post,
        org_path=org.path,
        after={"user": user.get_username(), "org": org.code, "role": role},
    )
    return post


@transaction.atomic
def post_end(*, actor: Actor, post: Post) -> Post:
    require_capability(actor, "accounts.officer.manage", post.org_path)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.active:
        raise ValidationError(_("该职务已离任"))
    post.active = False
    post.ended_on = timezone.localdate()
    post.save(update_fields=["active", "ended_on"])
    tree_changed()
    audit_record(
        action="orgs.post.ended",
        actor=actor,
        target=post,
        org_path=post.org_path,
        before={"user": post.user.get_username(), "role": post.role},
    )
    return post


def org_chair_change(*, actor: Actor, org: Org, chair_name: str, on: dt.date) -> list[Post]:
    """A new 主席 took office (换届 confirmed by the upper union): the union's chair name changes
    and the outgoing chair's posts end on the same day, in the caller's transaction. The new
    chair's officer account gets its post through 分级授权 (post_assign), which checks the
    grantor's own capabilities. Returns the posts ended."""
    require_capability(actor, "orgs.manage", org.path)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("org_chair_change runs inside the confirming transaction")
    org = _lock(org)
    ended = list(Post.objects.select_for_update().filter(org=org, role=PostRole.CHAIR, active=True))
    for post in ended:
        post.active = False
        post.ended_on = on
        post.save(update_fields=["active", "ended_on"])
    before = org.chair_name
    org.chair_name = chair_name.strip()
    org.save(update_fields=["chair_name", "updated_at"])
    tree_changed()
    audit_record(
        action="orgs.org.chair_changed",
        actor=actor,
        target=org,
        org_path=org.path,
        before={"chair_name": before, "posts": [p.pk for p in ended]},
        after={"chair_name": org.chair_name, "on": on},
    )
    return ended
