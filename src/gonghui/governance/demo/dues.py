"""The demo province's 会费 and 工会经费, written through the importers and services: three
months of payroll imports in the first grassroots union of 经八路街道 (some members in arrears,
member01 among those who paid), and employers of that street owing 经费 (one past the 支付令
period, with its 催缴函)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import timezone

from gonghui.governance.importers import PayrollTotalImporter, WageImporter
from gonghui.governance.models import DuesMonth, FundsMonth
from gonghui.governance.services import dues, funds
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Employer, Org

UNION_CODE = "ZZJS-JBL-001"
STREET_CODE = "ZZJS-JBL"
DEMO_DUES_MEMBERS = 24
# Members (by position in the union's list) who stopped paying: their last two months are owed.
IN_ARREARS = (3, 7, 11)


def _months_back(n: int) -> list[dt.date]:
    """The ``n`` full months before this one, oldest first."""
    month, out = timezone.localdate().replace(day=1), []
    for _i in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(month)
    return out[::-1]


def _workbook(rows: list[list[str]]) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            sheet.write_string(r, c, value)
    book.close()
    buffer.seek(0)
    return buffer


def seed(builder: Any) -> None:
    rng, actor = builder.rng, builder.actor
    union = Org.objects.get(code=UNION_CODE)
    months = _months_back(3)
    active = Member.objects.unscoped(reason="demo seeding").filter(
        union=union, status=MemberStatus.ACTIVE
    )
    # The members with an account (member01) first: their phone page shows the history.
    members = list(active.filter(account__isnull=False).order_by("pk"))
    members += list(active.filter(account__isnull=True).order_by("pk")[:DEMO_DUES_MEMBERS])
    wages = {m.pk: Decimal(rng.randrange(280000, 980000)) / 100 for m in members}
    for month in months:  # one payroll workbook a month, as the union's finance officer sends it
        rows = [["姓名", "公民身份号码", "月份", "工资", "奖金", "津贴"]]
        rows += [
            [
                m.name,
                m.id_number,
                f"{month:%Y-%m}",
                str(wages[m.pk]),
                str(rng.randrange(0, 2000)),
                "300",
            ]
            for m in members
        ]
        WageImporter(actor=actor, org_path=union.path, options={"org": union.code}).run(
            _workbook(rows), f"{month:%Y-%m}工资表.xlsx"
        )
    for index, member in enumerate(members):
        owed = DuesMonth.objects.unscoped(reason="demo seeding").filter(member=member, status="due")
        paid = [r.month for r in owed.order_by("month")]
        if index in IN_ARREARS:
            paid = paid[:1]
        if paid:
            dues.dues_pay(
                actor=actor,
                member=member,
                months=paid,
                method=rng.choice(["payroll", "payroll", "cash", "online"]),
                paid_on=min(paid[-1] + dt.timedelta(days=40), timezone.localdate()),
            )
    _seed_funds(builder, _months_back(5))


def _seed_funds(builder: Any, months: list[dt.date]) -> None:
    """The street's employers: the first pays everything, the second half of the last months,
    the third nothing (its oldest months are past the 支付令 period: a 催缴函 is issued)."""
    rng, actor = builder.rng, builder.actor
    street = Org.objects.get(code=STREET_CODE)
    employers = list(
        Employer.objects.unscoped(reason="demo seeding")
        .filter(union__parent=street)
        .select_related("union")
        .order_by("union__code")[:3]
    )
    first = employers[0]
    rows = [["统一社会信用代码", "单位名称", "月份", "工资总额"]]
    rows += [
        [
            first.uscc,
            first.name,
            f"{m:%Y-%m}",
            str(first.employee_count * rng.randrange(4500, 7500)),
        ]
        for m in months
    ]
    assert first.union is not None
    PayrollTotalImporter(
        actor=actor, org_path=first.union.path, options={"org": first.union.code}
    ).run(_workbook(rows), "工资总额.xlsx")
    for employer in employers[1:]:
        for month in months:
            funds.funds_month_set(
                actor=actor,
                employer=employer,
                month=month,
                payroll_total=employer.employee_count * rng.randrange(4000, 7000),
                source="tax" if employer is employers[1] else "entered",
            )
    for index, employer in enumerate(employers):
        for row in FundsMonth.objects.unscoped(reason="demo seeding").filter(employer=employer):
            if index == 0 or (index == 1 and row.month < months[-2]):
                amount = row.due
            elif index == 1:
                amount = (row.due / 2).quantize(Decimal("0.01"))
            else:
                continue
            funds.funds_receive(
                actor=actor,
                month=row,
                amount=amount,
                channel="tax" if index == 1 else "direct",
                received_on=min(row.due_on, timezone.localdate()),
            )
    funds.funds_reminder_issue(actor=actor, employer=employers[2])
