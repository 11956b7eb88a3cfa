"""Objects of the other county that tests/test_scoping_walk.py walks (its own leak test)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from tests.conftest import Cast

CASE_SECRET = "东郊困难户丙"
BANK_SECRET = "6222020200998877665"
ATTACHMENT_SECRET = "东郊诊断证明.pdf"
FUND_SECRET = "东区帮扶专项资金"
CAMPAIGN_SECRET = "东区2026年金秋助学"
STUDENT_SECRET = "东郊学生丁"
SECRETS: list[str] = [
    CASE_SECRET,
    BANK_SECRET,
    "***************7665",
    ATTACHMENT_SECRET,
    FUND_SECRET,
    CAMPAIGN_SECRET,
    STUDENT_SECRET,
    "东区民政低保名单.csv",
]


def walk_objects(cast: Cast) -> dict[str, int]:
    """A case in every place a route reaches, idempotently."""
    import io
    from decimal import Decimal

    from gonghui.assistance.models import CaseAttachment, HardshipCase, ReviewItem
    from gonghui.assistance.models.funds import CivilList, StudentApplication
    from gonghui.assistance.services import archive as lifecycle
    from gonghui.assistance.services import campaigns, funds
    from gonghui.assistance.services import cases as services
    from gonghui.core import ledger
    from gonghui.core.models import Fund
    from tests.conftest import fresh
    from tests.factories import archive, chair, resident

    boss = chair(cast.county, "east_walk_chair")
    case = HardshipCase.objects.filter(name=CASE_SECRET).first()
    if case is None:
        case = services.case_create(
            actor=fresh(cast.grassroots_officer),
            org=cast.grassroots,
            name=CASE_SECRET,
            id_number=resident("41010519660606007"),
            household_size=3,
            annual_income=Decimal(20000),
            consent_purpose="困难职工建档",
            bank_name="工商银行",
            bank_account=BANK_SECRET,
        )
        case = archive(cast, case, boss)
        attachment = CaseAttachment(
            case=case, kind="medical", original_name=ATTACHMENT_SECRET, org_path=case.org_path
        )
        attachment.file.save("walk.pdf", ContentFile(b"%PDF-1.4 walk"), save=False)
        attachment.save()
    attachment = CaseAttachment.objects.get(case=case)
    fund = Fund.objects.filter(name=FUND_SECRET).first()
    if fund is None:
        fund = ledger.fund_create(
            actor=fresh(boss), org=cast.county, name=FUND_SECRET, purpose="special"
        )
        ledger.fund_deposit(actor=fresh(boss), fund=fund, amount="5000", memo="预算")
    record = fund.assistancerecord_set.first() or funds.record_create(  # type: ignore[attr-defined]
        actor=fresh(boss), fund=fund, kind="cash", amount="500", case=case
    )
    student = StudentApplication.objects.filter(student_name=STUDENT_SECRET).first()
    if student is None:
        aid = campaigns.campaign_create(
            actor=fresh(boss),
            org=cast.county,
            kind="student",
            name=CAMPAIGN_SECRET,
            year=2026,
            budget="10000",
        )
        student = campaigns.student_apply(
            actor=fresh(cast.grassroots_officer),
            campaign=aid,
            org=cast.grassroots,
            parent_name=CASE_SECRET,
            student_name=STUDENT_SECRET,
            student_id=resident("41010520070707008"),
            school="郑州大学",
            stage="higher",
            tuition="5000",
            case=case,
        )
    civil = CivilList.objects.filter(original_name="东区民政低保名单.csv").first()
    if civil is None:
        civil = campaigns.civil_list_import(
            actor=fresh(cast.grassroots_officer),
            org=cast.grassroots,
            kind="dibao",
            fileobj=io.BytesIO(b"id\n110101199001011237\n"),
            filename="东区民政低保名单.csv",
        )
    item = ReviewItem.objects.filter(case=case).first()
    if item is None:
        batch = lifecycle.review_batch_create(
            actor=fresh(cast.grassroots_officer), org=cast.grassroots, year=2026
        )
        item = batch.items.get()
    return {
        "case": case.pk,
        "attachment": attachment.pk,
        "fund": fund.pk,
        "record": record.pk,
        "campaign": student.campaign_id,
        "student": student.pk,
        "civil": civil.pk,
        "batch": item.batch_id,
        "item": item.pk,
    }


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    """Route name -> URL parameter -> values, for this app's routes with parameters."""
    o = {k: [str(v)] for k, v in walk_objects(cast).items()}
    case = {"pk": o["case"]}
    return {
        "assistance:detail": case,
        "assistance:step": {
            "pk": o["case"],
            "action": [
                "visit",
                "pass",
                "fail",
                "publicity",
                "approve",
                "reject",
                "exit",
                "keep",
                "propose_exit",
            ],
        },
        "assistance:override": case,
        "assistance:edit": case,
        "assistance:objection": case,
        "assistance:income": case,
        "assistance:close": case,
        "assistance:person": case,
        "assistance:income_source": case,
        "assistance:attach": case,
        "assistance:reveal": {"pk": o["case"], "field": ["id_number", "phone", "bank_account"]},
        "assistance:record": case,
        "assistance:attachment": {"pk": o["attachment"]},
        "assistance:fund": {"pk": o["fund"]},
        "assistance:bank_file": {"pk": o["fund"]},
        "assistance:sign_sheet": {"pk": o["fund"]},
        "assistance:fund_export": {"pk": o["fund"]},
        "assistance:record_action": {"pk": o["record"], "action": ["pay", "clear", "cancel"]},
        "assistance:campaign": {"pk": o["campaign"]},
        "assistance:allot": {"pk": o["campaign"]},
        "assistance:campaign_record": {"pk": o["campaign"]},
        "assistance:student_create": {"pk": o["campaign"]},
        "assistance:student_pay": {"pk": o["student"]},
        "assistance:student_approve": {"pk": o["student"]},
        "assistance:student_refuse": {"pk": o["student"]},
        "assistance:civil": {"pk": o["civil"]},
        "assistance:review": {"pk": o["batch"]},
        "assistance:review_item": {"pk": o["item"]},
        "api:assistance_case_detail": {"id": o["case"]},
        "assistance_m:detail": case,
        "assistance_m:upload": case,
    }
