"""厂务公开: plan, publishing, reads counted once, questions due in 30 days, the to-do panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core import registry
from gonghui.democracy.services import disclosure as svc
from tests.conftest import Cast, fresh
from tests.factories import link_member, make_account, make_congress, officer, published


def worker(cast: Cast, username: str = "worker1") -> object:
    from gonghui.democracy.models import Delegate

    _c, term = make_congress(cast)
    seat = Delegate.objects.create(
        term=term,
        org_path=term.org_path,
        name="赵职工",
        gender="M",
        group="frontline",
        constituency="一车间",
        elected_on=dt.date(2025, 1, 1),
    )
    account = make_account("member", username)
    link_member(cast, seat, account, "41010519900101001")
    return account


def test_reads_are_counted_once_per_worker(cast: Cast) -> None:
    item = published(cast)
    account = worker(cast)
    assert svc.item_read(actor=account, item=item)
    assert not svc.item_read(actor=account, item=item)
    item.refresh_from_db()
    assert item.read_count == 1
    with pytest.raises(PermissionDenied):  # not a member of this union
        svc.item_read(actor=fresh(cast.member), item=item)


def test_questions_are_due_in_30_days_and_answered_once(cast: Cast) -> None:
    item = published(cast)
    question = svc.question_ask(actor=worker(cast), item=item, question="绩效工资何时发放？")
    assert question.due_on >= timezone.localdate() + dt.timedelta(days=30)
    question = svc.question_answer(actor=officer(cast), question=question, answer="月底发放。")
    with pytest.raises(ValidationError):
        svc.question_answer(actor=officer(cast), question=question, answer="再答")


def test_state_enterprise_categories_need_a_state_owned_plan(cast: Cast) -> None:
    plan = svc.plan_create(actor=officer(cast), org=cast.grassroots, year=2026, title="计划")
    with pytest.raises(ValidationError):
        svc.item_add(
            actor=officer(cast),
            plan=plan,
            category="hospitality",
            title="业务招待费",
            period="2026年",
            due_on=dt.date(2026, 12, 31),
        )


def test_overdue_items_are_on_the_todo_panel(cast: Cast) -> None:
    actor = officer(cast)
    plan = svc.plan_create(actor=actor, org=cast.grassroots, year=2026, title="计划")
    svc.item_add(
        actor=actor,
        plan=plan,
        category="rules",
        title="考勤制度修订",
        period="第一季度",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    items = [i for i in registry.todo_items(actor) if i.source == "democracy.pending"]
    assert any("考勤制度修订" in str(i.title) and i.overdue for i in items)
    assert not [
        i
        for i in registry.todo_items(fresh(cast.sibling_officer))
        if i.source == "democracy.pending"
    ]
