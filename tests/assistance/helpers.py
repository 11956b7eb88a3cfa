"""Shared builders for the assistance tests (through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from gonghui.assistance import services
from gonghui.assistance.models import HardshipCase
from gonghui.orgs.models import Org
from tests import factories
from tests.conftest import Cast, fresh


def resident(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


HEAD_ID = resident("41010519750101123")
CHILD_ID = resident("41010520050505002")


def apply(cast: Cast, number: str = HEAD_ID, org: Org | None = None, **kw: Any) -> HardshipCase:
    values: dict[str, Any] = {
        "name": "困难户甲",
        "id_number": number,
        "household_size": 4,
        "annual_income": Decimal("36000"),
        "rigid_medical": Decimal("6000"),
        "consent_purpose": "困难职工建档",
        "causes": ["illness"],
        "bank_name": "工商银行",
        "bank_account": "6222020200112233445",
    }
    values.update(kw)
    officer = kw.pop("officer", None) or cast.grassroots_officer
    values.pop("officer", None)
    return services.case_create(actor=fresh(officer), org=org or cast.grassroots, **values)


def chair(org: Org, username: str) -> Any:
    """A federation chair: holds assistance.approve and assistance.fund there."""
    from gonghui.accounts.models import User

    existing = User.objects.filter(username=username).first()
    return existing or factories.make_officer(org, "chair", username)


def archive(cast: Cast, case: HardshipCase, approver: Any = None) -> HardshipCase:
    grass = fresh(cast.grassroots_officer)
    case = services.case_visit(actor=grass, case=case, opinion="入户核实，情况属实")
    case = services.case_review(
        actor=grass, case=case, passed=True, opinion="同意", publicity_days=5
    )
    assert case.publicity_end is not None
    case = services.case_end_publicity(
        actor=grass, case=case, today=case.publicity_end + dt.timedelta(days=1)
    )
    approver = approver or chair(cast.county, "east_chair")
    return services.case_approve(
        actor=fresh(approver), case=case, approved=True, opinion="同意建档"
    )
