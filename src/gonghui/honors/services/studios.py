"""劳模和工匠人才创新工作室: registration by a union (the leader an active 劳模, 工匠 or 技术能手
on the roster), members, the yearly report, adopted 合理化建议 handed off through core.registry,
and the yearly evaluation on the rubric (honors.rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.ledger import money
from gonghui.core.scoping import Actor, require_capability, unscoped, within
from gonghui.honors import rules
from gonghui.honors.models.catalogue import AwardType
from gonghui.honors.models.roster import Honour, HonourStatus
from gonghui.honors.models.studios import (
    Studio,
    StudioEvaluation,
    StudioLevel,
    StudioMember,
    StudioReport,
    StudioSuggestion,
)

MANAGE = "honors.care.manage"
SUGGESTION_HANDOFF = "honors.studio.suggestion_adopted"
# The award types whose holders may lead a studio besides every 劳模 type (model_worker).
LEADER_TYPES = frozenset(
    {"great-craftsman", "province-craftsman", "city-craftsman", "technical-expert"}
)


def leader_qualifies(award_type: AwardType) -> bool:
    return bool(award_type.model_worker) or award_type.code in LEADER_TYPES


@transaction.atomic
def studio_register(
    *,
    actor: Actor,
    org: Any,
    name: str,
    leader: Honour,
    field: str,
    employer: Any = None,
    level: str = "",
    registered_on: dt.date | None = None,
    members: Iterable[tuple[str, str]] = (),
) -> Studio:
    require_capability(actor, MANAGE, org.path)
    if not name.strip():
        raise ValidationError({"name": _("请填写工作室名称")})
    if not field.strip():
        raise ValidationError({"field": _("请填写专业领域")})
    if level not in StudioLevel.values:
        raise ValidationError({"level": _("示范级别不在列表中")})
    if leader.status != HonourStatus.ACTIVE or not leader_qualifies(leader.award_type):
        raise ValidationError({"leader": _("领办人须为荣誉库中有效的劳动模范、工匠或技术能手")})
    if not within(leader.org_path, org.path):
        raise ValidationError({"leader": _("领办人不在本工会范围内")})
    with unscoped("one studio name per union, checked in the service"):
        if Studio.objects.filter(org=org, name=name.strip()).exists():
            raise ValidationError({"name": _("本工会已有同名工作室")})
    studio = Studio.objects.create(
        name=name.strip(),
        leader=leader,
        field=field.strip(),
        employer=employer,
        level=level,
        org=org,
        org_path=org.path,
        registered_on=registered_on or timezone.localdate(),
        created_by=actor,
    )
    StudioMember.objects.bulk_create(
        StudioMember(studio=studio, name=n.strip()[:50], role=r.strip()[:60])
        for n, r in members
        if n.strip()
    )
    audit_record(
        action="honors.studio.registered",
        actor=actor,
        target=studio,
        org_path=studio.org_path,
        after={"leader": leader.pk, "level": level},
    )
    return studio


def _count(value: Any, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("请填写整数")}) from exc
    if number < 0:
        raise ValidationError({field: _("不能为负数")})
    return number


@transaction.atomic
def studio_report_save(
    *,
    actor: Actor,
    studio: Studio,
    year: int,
    innovations: Any = 0,
    patents: Any = 0,
    savings: Any = 0,
    apprentices: Any = 0,
    summary: str = "",
) -> StudioReport:
    """The year's results (one report a year, editable until the evaluation)."""
    require_capability(actor, MANAGE, studio.org_path)
    with unscoped("the studio's own report and evaluation"):
        if StudioEvaluation.objects.filter(studio=studio, year=year).exists():
            raise ValidationError({"year": _("该年度已评估，成果不能再修改")})
        report, _new = StudioReport.objects.select_for_update().get_or_create(
            studio=studio, year=year, defaults={"org_path": studio.org_path}
        )
    report.innovations = _count(innovations, "innovations")
    report.patents = _count(patents, "patents")
    report.apprentices = _count(apprentices, "apprentices")
    report.savings = money(savings, "savings")
    report.summary = summary.strip()
    report.save()
    audit_record(
        action="honors.studio.reported",
        actor=actor,
        target=report,
        org_path=studio.org_path,
        after={"year": year, "savings": str(report.savings)},
    )
    return report


def studio_suggestion_adopted(
    *,
    studio_id: int,
    title: str,
    source_model: str,
    source_id: int,
    year: int | None = None,
    savings: Any = 0,
) -> StudioSuggestion:
    """The handoff receiver (``honors.studio.suggestion_adopted``): a module that adopted a
    合理化建议 of the studio's members records it as the studio's result, once per suggestion.
    The sender has checked its own right over the suggestion; the row is filed at the studio."""
    with unscoped("the handoff names the studio by id; the sender checked its scope"):
        studio = Studio.objects.get(pk=studio_id)
        existing = StudioSuggestion.objects.filter(
            source_model=source_model, source_id=source_id
        ).first()
    if existing is not None:
        return existing
    row = StudioSuggestion.objects.create(
        studio=studio,
        year=year or timezone.localdate().year,
        title=title.strip()[:200],
        savings=money(savings, "savings"),
        source_model=source_model,
        source_id=source_id,
        org_path=studio.org_path,
    )
    audit_record(
        action="honors.studio.suggestion",
        actor=None,
        target=row,
        org_path=studio.org_path,
        after={"source": f"{source_model}:{source_id}"},
    )
    return row


@transaction.atomic
def studio_evaluate(
    *, actor: Actor, org: Any, studio: Studio, year: int, points: dict[str, Any]
) -> StudioEvaluation:
    """年度评估 by ``org``, a level above the registering union, on the rubric; once a year."""
    require_capability(actor, "honors.care.decide", org.path)
    if not within(studio.org_path, org.path) or org.path == studio.org_path:
        raise ValidationError(_("工作室年度评估由登记工会的上级工会进行"))
    try:
        values = {code: Decimal(str(points.get(code) or 0)) for code, _l, _m in rules.STUDIO_RUBRIC}
    except InvalidOperation as exc:
        raise ValidationError(_("评分须为数字")) from exc
    try:
        score = rules.studio_score(values)
    except ValueError as exc:
        raise ValidationError({str(exc): _("得分超出该项分值")}) from exc
    with unscoped("one evaluation per studio and year"):
        if StudioEvaluation.objects.filter(studio=studio, year=year).exists():
            raise ValidationError({"year": _("该年度已评估")})
    evaluation = StudioEvaluation.objects.create(
        studio=studio,
        year=year,
        points={k: str(v) for k, v in values.items()},
        total=Decimal(score.reasons[0]),
        band=score.code,
        org=org,
        org_path=studio.org_path,
        evaluated_by=actor,
    )
    audit_record(
        action="honors.studio.evaluated",
        actor=actor,
        target=evaluation,
        org_path=studio.org_path,
        after={"year": year, "total": score.reasons[0], "band": score.code},
    )
    return evaluation
