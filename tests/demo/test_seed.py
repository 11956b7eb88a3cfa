"""gonghui seed_demo: deterministic for a seed, idempotent, the shape the issue asks for."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.demo import generator
from gonghui.members.models import CardSequence, Member, MemberStatus, Transfer
from gonghui.orgs.models import Employer, Org, OrgKind, Post


def seed_json(seed: int = 7) -> dict:
    out = StringIO()
    call_command("seed_demo", "--size", "small", "--seed", str(seed), "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1  # --json: exactly one line on stdout
    return json.loads(lines[0])


def world() -> dict[str, list]:
    return {
        "orgs": sorted(Org.objects.values_list("code", "name", "kind", "path", "uscc")),
        "employers": sorted(Employer.objects.values_list("name", "uscc", "employee_count")),
        "users": sorted(User.objects.values_list("username", "full_name")),
        "members": sorted(Member.objects.values_list("id_index", "name", "union__code", "status")),
    }


def wipe() -> None:
    from gonghui.honors import models as honors

    for model in (  # honours rows protect members, orgs and the ledger's funds
        honors.StudioSuggestion,
        honors.StudioEvaluation,
        honors.StudioReport,
        honors.StudioMember,
        honors.Studio,
        honors.Revocation,
        honors.Assessment,
        honors.AllowancePayable,
        honors.CareRecord,
        honors.CareProfile,
        honors.Honour,
        honors.AwardCall,
    ):
        manager = getattr(model.objects, "unscoped", None)
        (manager(reason="test wipe") if manager else model.objects.all()).delete()
    from gonghui.voice.models import Appeal, Forum, Proposal, ProposalCampaign

    for model in (Forum, Proposal, ProposalCampaign, Appeal):  # voice rows protect their orgs
        model.objects.all().delete()
    from gonghui.assistance import models as assistance
    from gonghui.core.models import Fund, LedgerEntry

    for model in (  # assistance rows (and the ledger's funds) protect their orgs
        LedgerEntry,
        assistance.StudentApplication,
        assistance.AssistanceRecord,
        assistance.Campaign,
        assistance.HardshipCase,
        Fund,
        assistance.CivilList,
        assistance.ReviewBatch,
    ):
        model.objects.all().delete()
    from gonghui.benefits import models as benefits

    for model in (  # benefits rows protect members and orgs
        benefits.Redemption,
        benefits.Complaint,
        benefits.Offer,
        benefits.CampaignSignup,
        benefits.Campaign,
        benefits.Merchant,
    ):
        model.objects.all().delete()
    from gonghui.stats.models import ReportPeriod, Snapshot

    ReportPeriod.objects.all().delete()  # cascades to the reports, which protect their orgs
    Snapshot.objects.all().delete()
    from gonghui.governance import models as governance

    for model in (  # governance's dues and 经费 rows protect members, employers and orgs
        governance.LevelShare,
        governance.DuesMonth,
        governance.DuesPayment,
        governance.DuesEducation,
        governance.FundsReceipt,
        governance.FundsMonth,
        governance.FundsReminder,
        governance.ReviewSample,
        governance.ReviewFinding,
        governance.FundReview,
        governance.Candidate,
        governance.Election,
        governance.Postponement,
        governance.CommitteeSeat,
        governance.Committee,
        governance.FormationApproval,
    ):
        manager = getattr(model.objects, "unscoped", None)
        (manager(reason="test wipe") if manager else model.objects.all()).delete()
    AuditEvent.objects.all().delete()
    Transfer.objects.all().delete()
    Member.objects.all().delete()  # cascades to cards and change records
    CardSequence.objects.all().delete()
    Post.objects.all().delete()
    Employer.objects.all().delete()
    for org in Org.objects.order_by("-depth"):
        org.delete()
    User.objects.all().delete()


@pytest.mark.django_db
def test_seed_demo_json_lists_every_account_with_its_org(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 300)
    data = seed_json()
    assert set(data) == {"accounts", "root"} and data["root"] == "HA"
    for account in data["accounts"]:
        assert set(account) == {
            "username",
            "password",
            "role",
            "org_code",
            "org_kind",
            "org_name",
            "duties",
        }
        org = Org.objects.get(code=account["org_code"], kind=account["org_kind"])
        assert account["org_name"] == org.name and account["duties"]
        assert not re.search(r"[a-z]{3,}", account["duties"]), account  # words, not codes
    by_name = {a["username"]: a for a in data["accounts"]}
    assert "审批帮扶" in by_name["prov_chair"]["duties"]  # from the capability matrix
    assert "冻结统计年度" in by_name["prov_chair"]["duties"]
    assert "管理会员" in by_name["gr_chair"]["duties"]
    assert "管理会员" not in by_name["js_chair"]["duties"]  # federations edit no members
    kinds = {a["org_kind"] for a in data["accounts"]}
    assert {"province", "city", "county", "town", "industry", "grassroots"} <= kinds


@pytest.mark.django_db
def test_seed_demo_builds_the_province_the_issue_describes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 300)
    seed_json()
    assert Org.objects.filter(kind=OrgKind.CITY).count() >= 2
    for city in Org.objects.filter(kind=OrgKind.CITY):
        assert Org.objects.filter(parent=city, kind=OrgKind.COUNTY).count() >= 2
    assert Org.objects.filter(kind=OrgKind.TOWN).exists()
    assert Org.objects.filter(kind=OrgKind.INDUSTRY).exists()
    assert Org.objects.filter(kind=OrgKind.JOINT).exists()
    assert Org.objects.filter(kind=OrgKind.GRASSROOTS).count() >= 30
    assert Employer.objects.filter(union__isnull=True).exists()
    assert Employer.objects.filter(union__isnull=False).count() >= 30
    # two sibling counties each have an officer
    counties = Post.objects.filter(org__kind=OrgKind.COUNTY, org__parent__code="ZZ")
    assert counties.values("org").distinct().count() == 2


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 300)  # three full builds: keep them small
    first = seed_json(7)
    snapshot = world()
    again = seed_json(7)  # a second run changes nothing and lists the same accounts
    assert again == first and world() == snapshot
    wipe()
    assert seed_json(7) == first
    assert world() == snapshot
    wipe()
    other = seed_json(8)
    assert other["accounts"] != first["accounts"]


@pytest.mark.django_db
def test_printed_accounts_log_in() -> None:
    data = seed_json()
    for account in data["accounts"]:
        response = Client().post(
            "/accounts/login/", {"username": account["username"], "password": account["password"]}
        )
        assert response.status_code == 302, account["username"]


@pytest.mark.django_db
def test_seed_demo_adds_members_in_every_state_with_valid_ids() -> None:
    from gonghui.core.identifiers import validate_personal_id

    data = seed_json()
    members = list(Member.objects.select_related("union"))
    assert 4500 <= len(members) <= 5500
    assert {m.status for m in members} == set(MemberStatus.values)
    for member in members[::50]:
        assert validate_personal_id("resident", member.id_number).birth_date == member.birth_date
    # members born before 1983 with a Zhengzhou district code (DOMAIN.md §1.1a)
    assert any(m.id_number.startswith("4101") and m.birth_date.year < 1983 for m in members)
    assert Transfer.objects.filter(status="issued").exists()
    member_account = next(a for a in data["accounts"] if a["username"] == "member01")
    linked = Member.objects.get(account__username="member01")
    assert member_account["org_code"] == linked.union.code


@pytest.mark.django_db
def test_the_audit_page_shows_every_demo_action_as_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17.3: one page per action the demo writes; its rows show the label and 字段：值,
    never a dotted code or a Python dict."""
    import re

    monkeypatch.setattr(generator, "DEMO_MEMBERS", 300)
    data = seed_json()
    province = next(a for a in data["accounts"] if a["org_kind"] == "province")
    client = Client()
    client.force_login(User.objects.get(username=province["username"]))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert len(actions) > 40
    code = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)*\b")
    for action in sorted(actions):
        body = client.get("/audit/", {"action": action}).content.decode()
        rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert "没有符合条件的记录" not in rows, action
        assert not code.search(rows), (action, code.search(rows))
        assert not re.search(r"[{}']|&#x27;|&quot;", rows), action
