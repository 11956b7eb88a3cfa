"""Services of 厂务公开: plans and their items, publishing, reads, questions answered within
the rule's deadline (30 days by default) and the satisfaction poll."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import counters
from gonghui.core.audit import audit_record
from gonghui.core.deadlines import add_calendar_days
from gonghui.core.scoping import Actor, require_capability
from gonghui.core.workflow import history_record
from gonghui.democracy.models import (
    STATE_ENTERPRISE_CATEGORIES,
    DisclosureCategory,
    DisclosureItem,
    DisclosurePlan,
    DisclosureQuestion,
    DisclosureRead,
    DisclosureVote,
    Rating,
)
from gonghui.democracy.services.motions import require_member_of
from gonghui.democracy.services.rules import MANAGE, rule_for
from gonghui.orgs.models import Org


def plan_create(
    *, actor: Actor, org: Org, year: int, title: str, state_owned: bool = False
) -> DisclosurePlan:
    require_capability(actor, MANAGE, org.path)
    if not title.strip():
        raise ValidationError({"title": _("请填写计划名称")})
    with transaction.atomic():
        plan = DisclosurePlan.objects.create(
            org=org, org_path=org.path, year=year, title=title.strip(), state_owned=state_owned
        )
        counters.recount_source("democracy", [org.path])
        audit_record(
            action="democracy.disclosure.plan_created", actor=actor, target=plan, org_path=org.path
        )
    return plan


def item_add(
    *,
    actor: Actor,
    plan: DisclosurePlan,
    category: str,
    title: str,
    period: str,
    due_on: dt.date,
    content: str = "",
) -> DisclosureItem:
    require_capability(actor, MANAGE, plan.org_path)
    errors = {}
    if category not in DisclosureCategory.values:
        errors["category"] = _("请选择公开类别")
    elif category in STATE_ENTERPRISE_CATEGORIES and not plan.state_owned:
        errors["category"] = _("该类别仅适用于国有或集体企业")
    if not title.strip():
        errors["title"] = _("请填写公开事项")
    if not period.strip():
        errors["period"] = _("请填写公开期间")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = DisclosureItem.objects.create(
            plan=plan,
            org_path=plan.org_path,
            category=category,
            title=title.strip(),
            period=period.strip(),
            due_on=due_on,
            content=content,
        )
        audit_record(
            action="democracy.disclosure.item_added",
            actor=actor,
            target=item,
            org_path=plan.org_path,
        )
    return item


def item_publish(*, actor: Actor, item: DisclosureItem, content: str) -> DisclosureItem:
    require_capability(actor, MANAGE, item.org_path)
    if not content.strip():
        raise ValidationError({"content": _("请填写公开内容")})
    with transaction.atomic():
        item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
        if item.published_at is not None:
            raise ValidationError(_("该事项已公开"))
        item.content = content.strip()
        item.published_at = timezone.now()
        item.save(update_fields=["content", "published_at"])
        audit_record(
            action="democracy.disclosure.published",
            actor=actor,
            target=item,
            org_path=item.org_path,
        )
    return item


def item_read(*, actor: Actor, item: DisclosureItem) -> bool:
    """A worker opened the item: counted once per reader. True when it was the first read."""
    require_member_of(actor, item.org_path)
    try:
        with transaction.atomic():
            DisclosureRead.objects.create(item=item, user=actor)
            DisclosureItem.objects.filter(pk=item.pk).update(read_count=F("read_count") + 1)
    except IntegrityError:
        return False
    return True


def item_vote(*, actor: Actor, item: DisclosureItem, rating: str) -> DisclosureVote:
    require_member_of(actor, item.org_path)
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择评价")})
    vote, _created = DisclosureVote.objects.update_or_create(
        item=item, user=actor, defaults={"rating": rating}
    )
    return vote


def question_ask(*, actor: Actor, item: DisclosureItem, question: str) -> DisclosureQuestion:
    require_member_of(actor, item.org_path)
    if not question.strip():
        raise ValidationError({"question": _("请填写问题")})
    days = rule_for(item.plan.org).question_days
    deadline = add_calendar_days(timezone.localdate(), days)
    with transaction.atomic():
        asked = DisclosureQuestion.objects.create(
            item=item,
            org_path=item.org_path,
            asked_by=actor,
            question=question.strip(),
            due_on=deadline.due,
            due_rule=str(deadline.rule)[:300],
        )
        history_record(asked, "asked", actor=actor, to_state="asked")
        audit_record(
            action="democracy.disclosure.asked", actor=actor, target=asked, org_path=item.org_path
        )
    return asked


def question_answer(
    *, actor: Actor, question: DisclosureQuestion, answer: str
) -> DisclosureQuestion:
    require_capability(actor, MANAGE, question.org_path)
    if not answer.strip():
        raise ValidationError({"answer": _("请填写答复")})
    with transaction.atomic():
        question = DisclosureQuestion.objects.select_for_update().get(pk=question.pk)
        if question.answered_at is not None:
            raise ValidationError(_("该问题已答复"))
        question.answer = answer.strip()
        question.answered_at = timezone.now()
        question.answered_by = actor
        question.save(update_fields=["answer", "answered_at", "answered_by"])
        history_record(question, "answer", actor=actor, from_state="asked", to_state="answered")
        audit_record(
            action="democracy.disclosure.answered",
            actor=actor,
            target=question,
            org_path=question.org_path,
        )
    return question
