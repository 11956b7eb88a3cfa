"""Helpers of the voice tests: a member with a login, an appeal at the cast's grassroots union."""

from __future__ import annotations

from typing import Any

from gonghui.accounts.models import AccountType
from gonghui.members.models import Member
from gonghui.voice import services
from gonghui.voice.models import Appeal
from tests.conftest import Cast, fresh
from tests.factories import make_account
from tests.members.test_registry import register, resident

WORKER_NAME = "隐名职工甲"
WORKER_PHONE = "13955556666"
WORKER_ID = resident("41010519850505123")
WORKER_LOGIN = "anon_worker_zz"


def worker(cast: Cast) -> tuple[Any, Member]:
    """A member of EAST-G1 with a phone login (idempotent)."""
    member = Member.objects.filter(name=WORKER_NAME).first()
    if member is None:
        account = make_account(AccountType.MEMBER, WORKER_LOGIN)
        member = register(
            cast, number=WORKER_ID, name=WORKER_NAME, phone=WORKER_PHONE, account=account
        )
    assert member.account is not None
    return fresh(member.account), member


def submit(cast: Cast, *, anonymous: bool = False, **kw: Any) -> Appeal:
    user, _ = worker(cast)
    values: dict[str, Any] = {
        "category": services.category_get("wage"),
        "title": "拖欠加班工资",
        "content": "车间连续三个月没有发放加班工资，希望工会帮助协调。",
        "anonymous": anonymous,
    }
    values.update(kw)
    return services.appeal_submit(actor=user, **values)
