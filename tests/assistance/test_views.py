"""The officers' and members' pages render and act through the services; attachments and bank
accounts only in scope (the sibling-county walk is in tests/test_scoping_walk.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.assistance.models import CaseStatus, HardshipCase
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from tests.assistance import walk
from tests.conftest import Cast
from tests.factories import HEAD_ID, resident


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_every_officer_page_renders_for_the_county_chair_and_grassroots(cast: Cast) -> None:
    objects = walk.walk_objects(cast)
    from tests.factories import chair

    for user in (chair(cast.county, "east_walk_chair"), cast.grassroots_officer):
        client = client_for(user)
        for name, kw in [
            ("assistance:list", {}),
            ("assistance:create", {}),
            ("assistance:rules", {}),
            ("assistance:funds", {}),
            ("assistance:campaigns", {}),
            ("assistance:civil_lists", {}),
            ("assistance:reviews", {}),
            ("assistance:report", {}),
            ("assistance:export", {}),
            ("assistance:detail", {"pk": objects["case"]}),
            ("assistance:civil", {"pk": objects["civil"]}),
            ("assistance:review", {"pk": objects["batch"]}),
            ("assistance:campaign", {"pk": objects["campaign"]}),
        ]:
            response = client.get(reverse(name, kwargs=kw))
            assert response.status_code == 200, (name, response.status_code)
        assert walk.CASE_SECRET.encode() in client.get(reverse("assistance:list")).content
    edit = reverse("assistance:edit", kwargs={"pk": objects["case"]})
    assert client_for(cast.grassroots_officer).get(edit).status_code == 200
    chair_client = client_for(chair(cast.county, "east_walk_chair"))
    for name in (
        "assistance:fund",
        "assistance:sign_sheet",
        "assistance:fund_export",
        "assistance:bank_file",
    ):
        response = chair_client.get(reverse(name, kwargs={"pk": objects["fund"]}))
        assert response.status_code == 200, name
    report = chair_client.get(reverse("assistance:report") + "?format=xlsx")
    assert report.status_code == 200


def test_bank_account_is_masked_on_the_page_and_revealed_with_audit(cast: Cast) -> None:
    objects = walk.walk_objects(cast)
    client = client_for(cast.grassroots_officer)
    page = client.get(reverse("assistance:detail", kwargs={"pk": objects["case"]})).content.decode()
    assert walk.BANK_SECRET not in page and "7665" in page
    revealed = client.post(
        reverse("assistance:reveal", kwargs={"pk": objects["case"], "field": "bank_account"})
    )
    assert walk.BANK_SECRET in revealed.content.decode()
    assert AuditEvent.objects.filter(action="assistance.case.revealed").exists()
    county = client_for(cast.county_officer)  # no reveal_pii at a federation
    assert (
        county.post(
            reverse("assistance:reveal", kwargs={"pk": objects["case"], "field": "bank_account"})
        ).status_code
        == 403
    )


def test_attachment_served_only_in_scope(cast: Cast) -> None:
    objects = walk.walk_objects(cast)
    url = reverse("assistance:attachment", kwargs={"pk": objects["attachment"]})
    response = client_for(cast.grassroots_officer).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(cast.sibling_officer).get(url).status_code == 404
    attachment_url = HardshipCase.objects.get(pk=objects["case"]).attachments.get().file.url
    assert "东郊" not in attachment_url  # stored under a random name


def test_officer_walks_the_workflow_through_the_pages(cast: Cast) -> None:
    client = client_for(cast.grassroots_officer)
    response = client.post(
        reverse("assistance:create"),
        {
            "org": cast.grassroots.code,
            "name": "页面户",
            "id_number": HEAD_ID,
            "household_size": 4,
            "area": "urban",
            "annual_income": "36000",
            "rigid_medical": "6000",
            "consent_purpose": "建档",
            "causes": ["illness"],
        },
    )
    case = HardshipCase.objects.get(name="页面户")
    assert response.status_code == 302 and case.category == "deep"
    client.post(
        reverse("assistance:step", kwargs={"pk": case.pk, "action": "visit"}), {"opinion": "属实"}
    )
    client.post(
        reverse("assistance:step", kwargs={"pk": case.pk, "action": "pass"}),
        {"opinion": "同意", "publicity_days": "5"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLICITY


def test_member_applies_uploads_and_follows_on_the_phone(cast: Cast) -> None:
    from tests.factories import register

    member = register(cast, number=resident("41010519850505009"), name="会员乙")
    Member.objects.filter(pk=member.pk).update(account=cast.member)
    client = client_for(cast.member)
    assert client.get(reverse("assistance_m:home")).status_code == 200
    response = client.post(
        reverse("assistance_m:home"),
        {
            "id_number": member.id_number,
            "household_size": 3,
            "area": "urban",
            "annual_income": "30000",
            "consent_purpose": "申请帮扶",
        },
    )
    case = HardshipCase.objects.get(applicant=cast.member)
    assert response.status_code == 302 and case.org == cast.grassroots and case.name == "会员乙"
    upload = SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(
        reverse("assistance_m:upload", kwargs={"pk": case.pk}), {"kind": "income", "file": upload}
    )
    assert case.attachments.count() == 1
    page = client.get(reverse("assistance_m:detail", kwargs={"pk": case.pk})).content.decode()
    assert "收入证明.pdf" in page
    other = walk.walk_objects(cast)["case"]
    assert client.get(reverse("assistance_m:detail", kwargs={"pk": other})).status_code == 404


def test_api_lists_masked_cases_and_previews_identification(cast: Cast) -> None:
    objects = walk.walk_objects(cast)
    client = client_for(cast.grassroots_officer)
    rows = client.get("/api/assistance/cases").json()
    assert [r["id"] for r in rows] == [objects["case"]]
    detail = client.get(f"/api/assistance/cases/{objects['case']}").json()
    assert walk.BANK_SECRET not in str(detail) and detail["computation"]["rule_org_name"]
    assert (
        client_for(cast.sibling_officer).get(f"/api/assistance/cases/{objects['case']}").status_code
        == 404
    )
    preview = client.post(
        "/api/assistance/identify",
        {
            "org": cast.grassroots.code,
            "household_size": 3,
            "annual_income": "60000",
            "rigid": "12000",
        },
        content_type="application/json",
    ).json()
    assert (preview["category"], preview["per_capita"]) == ("relative", "1333.33")


def test_member_is_told_of_decisions(cast: Cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from gonghui.assistance.services import cases as services
    from gonghui.core.models import Notification
    from tests.conftest import fresh
    from tests.factories import register

    member = register(cast, number=resident("41010519850505009"), name="会员乙")
    Member.objects.filter(pk=member.pk).update(account=cast.member)
    case = services.case_apply(
        applicant=fresh(cast.member),
        id_number=member.id_number,
        household_size=3,
        annual_income="30000",
        consent_purpose="申请帮扶",
    )
    grass = fresh(cast.grassroots_officer)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_visit(actor=grass, case=case, opinion="走访")
        services.case_review(actor=grass, case=case, passed=False, opinion="收入超标")
    note = Notification.objects.get(template="assistance.case.status", recipient=cast.member)
    assert "未通过" in note.body


def test_officer_adds_household_member_and_income_source(cast: Cast) -> None:
    objects = walk.walk_objects(cast)
    client = client_for(cast.grassroots_officer)
    pk = objects["case"]
    client.post(
        reverse("assistance:person", kwargs={"pk": pk}),
        {
            "name": "配偶甲",
            "relation": "spouse",
            "id_number": resident("41010519700101002"),
            "health": "慢性病",
            "disability": "肢体三级",
        },
    )
    client.post(
        reverse("assistance:income_source", kwargs={"pk": pk}), {"kind": "工资", "amount": "18000"}
    )
    case = HardshipCase.objects.get(pk=pk)
    person = case.persons.get(name="配偶甲")
    assert person.disability == "肢体三级" and person.id_index
    assert case.incomes.get().kind == "工资"
    page = client.get(reverse("assistance:detail", kwargs={"pk": pk})).content.decode()
    assert "4101************" in page and resident("41010519700101002") not in page


def test_health_data_hidden_from_upper_levels_without_reveal(cast: Cast) -> None:
    objects = walk.walk_objects(cast)
    from gonghui.assistance.services import cases as services
    from tests.conftest import fresh

    case = HardshipCase.objects.get(pk=objects["case"])
    services.person_add(
        actor=fresh(cast.grassroots_officer),
        case=case,
        name="子女乙",
        relation="child",
        health="白血病",
    )
    url = reverse("assistance:detail", kwargs={"pk": case.pk})
    assert "白血病" in client_for(cast.grassroots_officer).get(url).content.decode()
    assert "白血病" not in client_for(cast.county_officer).get(url).content.decode()


def test_warmth_campaign_page_registers_a_visit(cast: Cast) -> None:
    from gonghui.assistance.models.funds import AssistanceRecord
    from gonghui.assistance.services import campaigns
    from tests.conftest import fresh
    from tests.factories import chair

    objects = walk.walk_objects(cast)
    boss = chair(cast.county, "east_walk_chair")
    warmth = campaigns.campaign_create(
        actor=fresh(boss),
        org=cast.county,
        kind="warmth",
        name="东区送温暖",
        year=2026,
        budget="3000",
    )
    client = client_for(boss)
    url = reverse("assistance:campaign", kwargs={"pk": warmth.pk})
    assert client.get(url).status_code == 200
    client.post(
        reverse("assistance:campaign_record", kwargs={"pk": warmth.pk}),
        {
            "fund": objects["fund"],
            "recipient_name": "快递员",
            "group": "holiday",
            "recipient_id": resident("41010519900909019"),
            "kind": "goods",
            "amount": "200",
        },
    )
    record = AssistanceRecord.objects.get(campaign=warmth)
    assert (record.group, record.recipient_name) == ("holiday", "快递员")
    assert "快递员" in client.get(url).content.decode()


def test_bank_file_has_real_accounts_and_is_audited(cast: Cast) -> None:
    from tests.factories import chair

    objects = walk.walk_objects(cast)
    client = client_for(chair(cast.county, "east_walk_chair"))
    url = reverse("assistance:bank_file", kwargs={"pk": objects["fund"]})
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert walk.BANK_SECRET in body and "500.00" in body
    assert AuditEvent.objects.filter(action="assistance.fund.bank_file").count() == 1
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200
    assert client_for(cast.grassroots_officer).get(url).status_code == 404  # fund of the county


def test_todo_panel_lists_applications_and_approvals(cast: Cast) -> None:
    from gonghui.core.registry import todo_items
    from tests.conftest import fresh
    from tests.factories import apply, chair

    apply(cast)
    titles = [str(t.title) for t in todo_items(fresh(cast.grassroots_officer))]
    assert any("困难职工申请待办理" in t for t in titles)
    assert not any(
        "待审批" in t
        for t in (str(t.title) for t in todo_items(fresh(chair(cast.county, "east_chair"))))
    )
