"""Test data built through the services, so tests see the same invariants as production."""

from __future__ import annotations

import itertools
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from gonghui.accounts.models import AccountType, User
from gonghui.accounts.services import account_create, officer_seed
from gonghui.orgs.models import Employer, Org, OrgKind
from gonghui.orgs.services import employer_create, org_create

PASSWORD = "Test-pass-2026"
_seq = itertools.count(1)


def superuser() -> User:
    user, created = User.objects.get_or_create(
        username="root", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def make_uscc(prefix: str = "91", region: str = "410105") -> str:
    body = f"{prefix}{region}{next(_seq):09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def make_org(parent: Org | None, kind: str, name: str = "", code: str = "", **kw: Any) -> Org:
    n = next(_seq)
    return org_create(
        actor=superuser(),
        parent=parent,
        code=code or f"T{n:05d}",
        name=name or f"测试组织{n}",
        kind=kind,
        **kw,
    )


def make_employer(
    org: Org, *, union: Org | None = None, employees: int = 50, **kw: Any
) -> Employer:
    n = next(_seq)
    return employer_create(
        actor=superuser(),
        registered_by=org,
        union=union,
        name=kw.pop("name", f"测试用人单位{n}有限公司"),
        uscc=kw.pop("uscc", make_uscc()),
        employee_count=employees,
        **kw,
    )


def make_officer(org: Org, role: str = "admin", username: str = "", phone: str = "") -> User:
    n = next(_seq)
    return officer_seed(
        actor=superuser(),
        username=username or f"officer{n}",
        full_name=f"干部{n}",
        password=PASSWORD,
        org=org,
        role=role,
        phone=phone,
    )


def make_account(account_type: str = AccountType.MEMBER, username: str = "") -> User:
    n = next(_seq)
    return account_create(
        actor=superuser(),
        account_type=account_type,
        username=username or f"user{n}",
        full_name=f"用户{n}",
        password=PASSWORD,
    )


GRASSROOTS = OrgKind.GRASSROOTS
