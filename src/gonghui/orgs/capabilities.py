"""The capability matrix (DESIGN.md rule 9), in one place.

Roles grant capabilities; the level of the org where the post is held bounds them. The defaults
below can be changed per installation with ``CapabilityOverride`` rows (Django admin); the
matrix page shows the effective result. Later modules add their capabilities here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core import cache_versions
from gonghui.core.scoping import Viewer
from gonghui.orgs.models import CapabilityOverride, Level, PostRole


@dataclass(frozen=True)
class Capability:
    code: str
    label: str | Promise
    description: str | Promise


CAPABILITIES: tuple[Capability, ...] = (
    Capability("orgs.view", _("查看组织"), _("查看本级及下级组织、用人单位和干部")),
    Capability("orgs.manage", _("管理组织"), _("新建下级组织、改名、迁移、合并、撤销")),
    Capability("orgs.employer.manage", _("管理用人单位"), _("登记和修改用人单位、建会情况")),
    Capability(
        "accounts.officer.manage", _("管理干部账号"), _("分级授权：在本级及下级创建干部账号和职务")
    ),
    Capability(
        "accounts.grant_any",
        _("授予任意职务"),
        _("授予本人不具备的权限；只有本系统的超级管理员拥有，不能通过权限调整授予"),
    ),
    Capability("audit.view", _("查看操作日志"), _("查看本级及下级的操作日志")),
    Capability("members.view", _("查看会员"), _("查看会员（个人信息脱敏）")),
    Capability("members.manage", _("管理会员"), _("会员登记、修改、入会与转会审批")),
    Capability("reveal_pii", _("查看完整个人信息"), _("逐条查看完整证件号码和手机号码，留痕")),
    Capability("members.export", _("导出会员"), _("导出会员名册（脱敏）")),
    Capability("stats.view", _("查看统计"), _("查看本级及下级统计数据")),
    Capability("stats.report", _("统计年报"), _("填报、上报本级统计年报，审核下级年报")),
    Capability(
        "stats.freeze",
        _("冻结统计年度"),
        _("冻结年度数据并生成各级年报；只在最上一级工会（省总工会）的职务上有效"),
    ),
    Capability("assistance.view", _("查看帮扶"), _("查看困难职工档案和帮扶记录（个人信息脱敏）")),
    Capability(
        "assistance.manage", _("办理帮扶"), _("困难职工申请、入户走访、基层审核、公示、帮扶发放")
    ),
    Capability("assistance.approve", _("审批帮扶"), _("上级审批困难职工建档、解困脱困")),
    Capability("assistance.fund", _("管理帮扶资金"), _("帮扶资金台账、送温暖和金秋助学经费分配")),
    Capability("democracy.view", _("查看职代会"), _("查看职代会、提案和厂务公开")),
    Capability("democracy.manage", _("管理职代会"), _("代表、会议、提案办理、厂务公开、表决")),
    Capability("voice.view", _("查看诉求与建议"), _("查看诉求、合理化建议的件数和办理情况")),
    Capability("voice.handle", _("办理诉求与建议"), _("受理、转办、答复诉求，评审合理化建议")),
    Capability("benefits.view", _("查看普惠服务"), _("查看普惠商户、优惠、核销和结算")),
    Capability("benefits.manage", _("管理普惠服务"), _("普惠商户签约、优惠审核、优惠活动")),
    # --- honours after the award (hon2) ---
    Capability(
        "honors.care.view", _("查看劳模管理服务"), _("查看劳模年度考核、关爱记录、撤销和创新工作室")
    ),
    Capability(
        "honors.care.manage",
        _("劳模管理服务"),
        _("劳模年度考核与民主评议、提请撤销、关爱记录、创新工作室登记和年报"),
    ),
    Capability(
        "honors.care.fund", _("管理劳模关爱资金"), _("荣誉津贴标准、按月发放、银行批量代发文件")
    ),
    Capability(
        "honors.care.decide", _("审查决定撤销荣誉"), _("审查、决定撤销荣誉称号，工作室年度评估")
    ),
    # --- honours: selection engine and roster ---
    Capability("honors.view", _("查看评先评优"), _("查看评选、推荐人选和荣誉库（个人信息脱敏）")),
    Capability("honors.manage", _("推荐评先评优"), _("推荐人选、征求意见、上传事迹材料、上报名单")),
    Capability("honors.approve", _("组织评选"), _("发布评选、分配名额、公示、答复异议、审批表彰")),
    Capability("governance.view", _("查看组织建设"), _("查看委员会、任期、换届和建会情况")),
    Capability("governance.manage", _("管理组织建设"), _("登记委员会及成员、组织换届选举")),
    Capability("governance.approve", _("审批组织建设"), _("批准建会、换届、延期换届和选举结果")),
    # --- 会费, 工会经费, 经审 (helper `dues`) ---
    Capability("governance.dues", _("管理会费"), _("录入和导入工资、核定和收缴会费、自动退会")),
    Capability("governance.funds", _("管理工会经费"), _("录入工资总额、登记经费到账、发出催缴函")),
    Capability(
        "governance.audit", _("经费审查"), _("经审委员会年度审查：抽查凭证、问题整改、审查报告")
    ),
)
CAPABILITY_CODES = frozenset(c.code for c in CAPABILITIES)
# Held by the installation's superuser alone: no role has them and no override can add them,
# or an administrator could grant itself the right to grant anything (DESIGN.md rule 9).
SUPERUSER_ONLY = frozenset({"accounts.grant_any"})

_VIEW = {
    "orgs.view",
    "members.view",
    "stats.view",
    "assistance.view",
    "democracy.view",
    "voice.view",
    "benefits.view",
    "honors.care.view",
    "honors.view",
    "governance.view",
}
_GRASSROOTS_OFFICER = _VIEW | {
    "honors.care.manage",
    "members.manage",
    "members.export",
    "assistance.manage",
    "democracy.manage",
    "voice.handle",
    "stats.report",
    "benefits.manage",
    "honors.manage",
}
_GRASSROOTS_LEAD = _GRASSROOTS_OFFICER | {
    "governance.manage",
    "governance.dues",
    "governance.funds",
    "orgs.manage",
    "orgs.employer.manage",
    "audit.view",
    "reveal_pii",
}
_FEDERATION_LEAD = _VIEW | {
    "stats.freeze",
    "orgs.manage",
    "orgs.employer.manage",
    "audit.view",
    "members.export",
    "assistance.approve",
    "assistance.fund",
    "voice.handle",
    "stats.report",
    "benefits.manage",
    "honors.care.manage",
    "honors.care.fund",
    "honors.care.decide",
    "honors.manage",
    "honors.approve",
    "governance.manage",
    "governance.approve",
}
# Federation staff work the items assigned to their level: escalated appeals, their own cases.
_FEDERATION_STAFF = _VIEW | {
    "stats.freeze",
    "orgs.employer.manage",
    "voice.handle",
    "assistance.manage",
    "stats.report",
    "benefits.manage",
    "honors.care.manage",
    "honors.manage",
}

# Federations see figures and masked records of their subtree and edit nothing of a
# grassroots union's members directly: no members.manage, no reveal_pii at that level.
DEFAULTS: dict[tuple[str, str], frozenset[str]] = {
    (PostRole.CHAIR, Level.GRASSROOTS): frozenset(_GRASSROOTS_LEAD | {"accounts.officer.manage"}),
    (PostRole.VICE_CHAIR, Level.GRASSROOTS): frozenset(_GRASSROOTS_LEAD),
    (PostRole.COMMITTEE, Level.GRASSROOTS): frozenset(_GRASSROOTS_OFFICER),
    (PostRole.AUDIT_COMMITTEE, Level.GRASSROOTS): frozenset(
        _VIEW | {"audit.view", "governance.audit"}
    ),
    (PostRole.WOMEN_COMMITTEE, Level.GRASSROOTS): frozenset(_GRASSROOTS_OFFICER),
    (PostRole.ORGANIZER, Level.GRASSROOTS): frozenset(_GRASSROOTS_LEAD),
    (PostRole.STAFF, Level.GRASSROOTS): frozenset(_GRASSROOTS_OFFICER),
    (PostRole.ADMIN, Level.GRASSROOTS): frozenset(
        _VIEW | {"orgs.manage", "orgs.employer.manage", "accounts.officer.manage", "audit.view"}
    ),
    (PostRole.CHAIR, Level.FEDERATION): frozenset(_FEDERATION_LEAD),
    (PostRole.VICE_CHAIR, Level.FEDERATION): frozenset(_FEDERATION_LEAD),
    (PostRole.COMMITTEE, Level.FEDERATION): frozenset(_VIEW),
    (PostRole.AUDIT_COMMITTEE, Level.FEDERATION): frozenset(
        _VIEW | {"audit.view", "governance.audit"}
    ),
    (PostRole.WOMEN_COMMITTEE, Level.FEDERATION): frozenset(_VIEW),
    (PostRole.ORGANIZER, Level.FEDERATION): frozenset(_FEDERATION_STAFF),
    (PostRole.STAFF, Level.FEDERATION): frozenset(_FEDERATION_STAFF),
    (PostRole.ADMIN, Level.FEDERATION): frozenset(
        _VIEW | {"orgs.manage", "orgs.employer.manage", "accounts.officer.manage", "audit.view"}
    ),
}

# The matrix is cached in the shared cache (Redis in production) under a key that carries a
# version token. A change replaces the token, so every worker builds the new matrix on its next
# check; a worker that was rebuilding from the old rows while the change committed can only
# store under the old token, which nobody reads any more.
_VERSION_KEY = "orgs:capability-matrix:version"
_MATRIX_TTL = 300


def _build() -> dict[tuple[str, str], frozenset[str]]:
    working = {key: set(caps) for key, caps in DEFAULTS.items()}
    for override in CapabilityOverride.objects.all():
        if override.capability in SUPERUSER_ONLY:
            continue
        caps = working.setdefault((override.role, override.level), set())
        if override.granted:
            caps.add(override.capability)
        else:
            caps.discard(override.capability)
    return {key: frozenset(caps) for key, caps in working.items()}


def effective_matrix() -> dict[tuple[str, str], frozenset[str]]:
    """Defaults with the installation's overrides applied (cached under the current version)."""
    key = f"orgs:capability-matrix:{cache_versions.current(_VERSION_KEY)}"
    matrix = cache.get(key)
    if matrix is None:
        matrix = _build()
        cache.set(key, matrix, _MATRIX_TTL)
    return matrix


def _bump() -> None:
    cache_versions.bump(_VERSION_KEY)


def forget_matrix() -> None:
    """The matrix changed: every worker rebuilds it on its next check. Called inside the
    changing transaction, it bumps now and again on commit, so a rebuild that read the rows
    before the commit is never the one that stays."""
    _bump()
    transaction.on_commit(_bump)


def capabilities_of(role: str, level: str) -> frozenset[str]:
    return effective_matrix().get((role, level), frozenset())


def grant_refusal(actor: Viewer, role: str, level: str, path: str) -> frozenset[str]:
    """What a post (``role`` at the org of ``level`` at ``path``) would give that ``actor``
    does not hold there itself, at that org or an ancestor: empty when the actor may grant it
    (分级授权, rule 9). ``accounts.grant_any`` lifts the bound."""
    if actor.has_capability("accounts.grant_any", path):
        return frozenset()
    return frozenset(capabilities_of(role, level) - actor.capabilities_at(path))
