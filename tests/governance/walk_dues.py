"""Objects of the other county for 会费, 工会经费 and 经审 that tests/test_scoping_walk.py walks
(its own leak test): a member's dues with a receipt, an employer's overdue 经费 with a 催缴函,
and an annual review with a sample and a finding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tests.conftest import Cast

DUES_MEMBER = "东区会费会员甲"
FINDING_SECRET = "东区工会现金日记账未按月结账"
SECRETS: list[str] = [DUES_MEMBER, FINDING_SECRET]


def walk_objects(cast: Cast) -> dict[str, int]:
    """Idempotently: each object once, in the county's grassroots union."""
    from gonghui.governance.models import DuesMonth, FundReview, FundsMonth, FundsReminder
    from gonghui.governance.services import audits, dues, funds
    from gonghui.members.models import Member
    from tests.conftest import fresh
    from tests.factories import make_officer, register, resident

    officer = fresh(cast.grassroots_officer)
    member = Member.objects.filter(name=DUES_MEMBER).first() or register(
        cast, resident("41010519820202005"), name=DUES_MEMBER, phone=""
    )
    today = timezone.localdate()
    month = today.replace(day=1)
    late = (month - dt.timedelta(days=100)).replace(day=1)
    row = DuesMonth.objects.filter(member=member, month=month).first()
    if row is None:
        row = dues.dues_month_set(
            actor=officer, member=member, month=month, parts={"wage": Decimal("4800")}
        )
        dues.dues_pay(actor=officer, member=member, months=[month], method="cash")
        dues.dues_education_record(
            actor=officer, member=member, educated_on=today, outcome="corrected", note="谈话"
        )
    row.refresh_from_db()
    funds_row = FundsMonth.objects.filter(employer=cast.employer, month=late).first()
    if funds_row is None:
        funds_row = funds.funds_month_set(
            actor=officer, employer=cast.employer, month=late, payroll_total="300000"
        )
        funds.funds_receive(actor=officer, month=funds_row, amount="1000", channel="tax")
        funds.funds_reminder_issue(actor=officer, employer=cast.employer)
    reminder = FundsReminder.objects.filter(employer=cast.employer).first()
    review = FundReview.objects.filter(union=cast.grassroots).first()
    if review is None:
        auditor = fresh(make_officer(cast.grassroots, "audit", "walk_auditor"))
        review = audits.review_open(actor=auditor, union=cast.grassroots, year=today.year)
        audits.review_sample(actor=auditor, review=review, count=1)
        audits.review_finding_add(actor=auditor, review=review, text=FINDING_SECRET)
    assert reminder is not None and row.payment_id is not None
    return {
        "member": member.pk,
        "dues": row.pk,
        "payment": row.payment_id,
        "funds": funds_row.pk,
        "employer": cast.employer.pk,
        "reminder": reminder.pk,
        "review": review.pk,
        "sample": review.samples.get().pk,
        "finding": review.findings.get().pk,
    }


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this block's routes with parameters."""
    o = {k: [str(v)] for k, v in walk_objects(cast).items()}
    return {
        "governance:dues_member": {"pk": o["member"]},
        "governance:dues_reveal": {"pk": o["dues"]},
        "governance:dues_receipt": {"pk": o["payment"]},
        "governance:funds_month": {"pk": o["funds"]},
        "governance:funds_remind": {"pk": o["employer"]},
        "governance:funds_reminder": {"pk": o["reminder"]},
        "governance:review": {"pk": o["review"]},
        "governance:review_print": {"pk": o["review"]},
        "governance:review_item": {"kind": ["check", "rectify"], "pk": o["sample"] + o["finding"]},
        "governance_m:dues_receipt": {"pk": o["payment"]},
    }
