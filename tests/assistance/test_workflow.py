"""The case workflow: application → 走访 → 基层审核 → 公示 → 上级审批 → 建档 → monthly income
→ 解困脱困, each step with history and audit; overrides audited; PII encrypted at rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.assistance.models import CaseStatus, Category, HardshipCase, StepKind
from gonghui.assistance.services import archive as lifecycle
from gonghui.assistance.services import cases as services
from gonghui.core.models import AuditEvent
from gonghui.core.workflow import history_of
from gonghui.members.services.members import member_register
from tests.conftest import Cast, fresh
from tests.factories import HEAD_ID, apply, archive, chair, superuser


def test_application_computes_category_and_names_the_rule(cast: Cast) -> None:
    case = apply(cast)
    assert (case.category, case.per_capita) == (Category.DEEP, Decimal("625.00"))
    assert case.computation["rule_org_name"] == "全国默认标准"
    assert history_of(case).get().transition == StepKind.APPLIED


def test_pii_is_encrypted_at_rest(cast: Cast) -> None:
    apply(cast)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, bank_account FROM assistance_hardshipcase")
        stored = cursor.fetchone()
    assert HEAD_ID not in stored[0] and "6222020200112233445" not in stored[1]


def test_health_fields_are_encrypted_at_rest(cast: Cast) -> None:
    """因病/因残 and medical spending are health data (issue 16 item 9)."""
    case = apply(cast)
    with connection.cursor() as cursor:
        cursor.execute("SELECT causes, rigid_medical FROM assistance_hardshipcase")
        causes, medical = cursor.fetchone()
    assert "illness" not in causes and "6000" not in str(medical)
    assert causes.startswith("gh1$") and str(medical).startswith("gh1$")
    case.refresh_from_db()
    assert case.causes == ["illness"] and case.rigid_medical == Decimal("6000")


def test_migration_encrypts_existing_health_fields(cast: Cast) -> None:
    from importlib import import_module
    from types import SimpleNamespace

    migration = import_module("gonghui.assistance.migrations.0002_encrypt_health_fields")
    case = apply(cast)
    with connection.cursor() as cursor:  # a row as 0001 wrote it: plain JSON and a number
        cursor.execute(
            "UPDATE assistance_hardshipcase SET causes = %s, rigid_medical = %s WHERE id = %s",
            ['["illness", "disability"]', "6000.00", case.pk],
        )
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_rows(None, editor)
    migration.encrypt_rows(None, editor)  # a second run leaves ciphertext alone
    case.refresh_from_db()
    assert case.causes == ["illness", "disability"] and case.rigid_medical == Decimal("6000")
    migration.decrypt_rows(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT causes, rigid_medical FROM assistance_hardshipcase")
        assert cursor.fetchone() == ('["illness", "disability"]', "6000.00")


def test_one_household_one_open_archive(cast: Cast) -> None:
    apply(cast)
    with pytest.raises(ValidationError):
        apply(cast)


def test_full_workflow_with_history(cast: Cast) -> None:
    case = archive(cast, apply(cast))
    assert case.status == CaseStatus.ARCHIVED and case.archived_on
    kinds = list(history_of(case).values_list("transition", flat=True))
    assert kinds == ["applied", "visited", "reviewed", "publicity_ended", "approved"]
    assert all(s.actor_id for s in history_of(case))
    assert AuditEvent.objects.filter(action="assistance.case.approved").count() == 1


def test_publicity_cannot_end_early_and_an_upheld_objection_rejects(cast: Cast) -> None:
    grass = fresh(cast.grassroots_officer)
    case = apply(cast)
    case = services.case_visit(actor=grass, case=case, opinion="走访")
    case = services.case_review(actor=grass, case=case, passed=True, opinion="同意")
    with pytest.raises(ValidationError):
        services.case_end_publicity(actor=grass, case=case, today=case.publicity_start)
    services.case_objection(actor=grass, case=case, content="有房产", upheld=True, handling="属实")
    assert case.publicity_end is not None
    case = services.case_end_publicity(
        actor=grass, case=case, today=case.publicity_end + dt.timedelta(days=1)
    )
    assert case.status == CaseStatus.REJECTED


def test_approval_needs_an_upper_level_officer(cast: Cast) -> None:
    grass = fresh(cast.grassroots_officer)
    case = apply(cast)
    case = services.case_visit(actor=grass, case=case, opinion="走访")
    case = services.case_review(actor=grass, case=case, passed=True, opinion="同意")
    assert case.publicity_end is not None
    case = services.case_end_publicity(
        actor=grass, case=case, today=case.publicity_end + dt.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.case_approve(actor=grass, case=case, approved=True, opinion="自批")
    with pytest.raises(PermissionDenied):
        services.case_approve(
            actor=fresh(chair(cast.sibling_county, "west_chair")),
            case=case,
            approved=True,
            opinion="越权",
        )
    case = services.case_approve(
        actor=fresh(chair(cast.county, "east_chair")), case=case, approved=True, opinion="同意"
    )
    assert history_of(case).last().data["org_id"] == cast.county.pk  # type: ignore[union-attr]


def test_override_needs_a_reason_and_is_audited(cast: Cast) -> None:
    grass = fresh(cast.grassroots_officer)
    case = apply(cast, annual_income=Decimal(90000), rigid_medical=Decimal(0))
    assert case.category == Category.NONE
    with pytest.raises(ValidationError):
        services.case_review(actor=grass, case=case, passed=True, opinion="x")
    with pytest.raises(ValidationError):
        services.case_override(actor=grass, case=case, category="relative", reason=" ")
    case = services.case_override(actor=grass, case=case, category="relative", reason="突发重病")
    assert (case.category, case.computed_category) == ("relative", "none")
    event = AuditEvent.objects.get(action="assistance.case.overridden")
    assert event.before == {"category": "none", "computed": "none"}


def test_six_months_above_the_line_propose_exit(cast: Cast) -> None:
    """DOMAIN.md §3 example 5 through the service: a month at the line restarts the count."""
    grass = fresh(cast.grassroots_officer)
    case = archive(cast, apply(cast))
    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    values = [900, 900, 900, 900, 900, 800, 900, 900, 900, 900, 900]
    for month, value in zip(months, values, strict=False):
        case = lifecycle.case_record_income(actor=grass, case=case, month=month, per_capita=value)
        assert case.status == CaseStatus.ARCHIVED
    case = lifecycle.case_record_income(actor=grass, case=case, month=months[11], per_capita=801)
    assert case.status == CaseStatus.EXIT_PROPOSED
    case = lifecycle.case_exit_decide(
        actor=fresh(chair(cast.county, "east_chair2")), case=case, confirm=True, opinion="脱困"
    )
    assert case.status == CaseStatus.EXITED
    assert case.keep_until is not None and case.ended_on is not None
    assert case.keep_until.year == case.ended_on.year + 10


def test_close_on_retirement(cast: Cast) -> None:
    case = archive(cast, apply(cast))
    case = lifecycle.case_close(
        actor=fresh(cast.grassroots_officer), case=case, reason="retirement"
    )
    assert case.status == CaseStatus.CLOSED


def test_yearly_review_spot_checks_at_least_30_percent(cast: Cast) -> None:
    from tests.factories import resident

    for n in range(7):
        archive(cast, apply(cast, number=resident(f"41010519750101{n}23")))
    grass = fresh(cast.grassroots_officer)
    with pytest.raises(ValidationError):
        lifecycle.review_batch_create(actor=grass, org=cast.grassroots, year=2026, spot_share="0.2")
    batch = lifecycle.review_batch_create(actor=grass, org=cast.grassroots, year=2026)
    assert batch.items.count() == 7
    assert batch.items.filter(spot_check=True).count() == 3  # ceil(7 × 30%)


def test_yearly_review_sample_cannot_be_computed_in_advance(cast: Cast) -> None:
    """The spot-check draw is not a function of org and year (issue 16 item 9): over ten
    years, a seeded draw would match every time; a CSPRNG matches all ten with chance 35^-10."""
    import math
    import random

    from tests.factories import resident

    for n in range(7):
        archive(cast, apply(cast, number=resident(f"41010519750101{n}23")))
    grass = fresh(cast.grassroots_officer)
    matches = 0
    for year in range(2011, 2021):
        batch = lifecycle.review_batch_create(actor=grass, org=cast.grassroots, year=year)
        ids = sorted(batch.items.values_list("case_id", flat=True))
        drawn = set(batch.items.filter(spot_check=True).values_list("case_id", flat=True))
        seeded = random.Random(f"{cast.grassroots.pk}:{year}")
        matches += drawn == set(seeded.sample(ids, math.ceil(len(ids) * 0.3)))
    assert matches < 10


def test_reveal_needs_reveal_pii_and_is_audited(cast: Cast) -> None:
    case = apply(cast)
    value = services.case_reveal(
        actor=fresh(cast.grassroots_officer), case=case, field="bank_account"
    )
    assert value == "6222020200112233445"
    assert AuditEvent.objects.filter(action="assistance.case.revealed").count() == 1
    with pytest.raises(PermissionDenied):
        services.case_reveal(actor=fresh(cast.county_officer), case=case, field="id_number")


def test_correcting_figures_recomputes_and_audits(cast: Cast) -> None:
    case = apply(cast)
    case = services.case_update(
        actor=fresh(cast.grassroots_officer),
        case=case,
        annual_income=Decimal(60000),
        rigid_medical=Decimal(12000),
        household_size=3,
    )
    assert (case.category, case.per_capita) == (Category.RELATIVE, Decimal("1333.33"))
    event = AuditEvent.objects.get(action="assistance.case.updated")
    assert event.before["category"] == "deep" and event.after["category"] == "relative"
    # Medical spending is health data: the clear-text audit row says only that it changed.
    assert "rigid_medical" not in event.before and "rigid_medical" not in event.after
    assert event.after["health_fields_changed"] == ["rigid_medical"]


def test_a_case_an_officer_registers_for_a_member_is_linked_to_the_member(cast: Cast) -> None:
    member = member_register(
        actor=superuser(), union=cast.grassroots, id_type="resident", id_number=HEAD_ID,
        name="困难户甲", joined_on=dt.date(2020, 1, 1), consent_purpose="实名登记",
    )  # fmt: skip
    case = apply(cast)  # entered by the grassroots officer, as the page does
    assert case.member_id == member.pk
    assert HardshipCase.objects.unscoped(reason="test").get(pk=case.pk).member_id == member.pk


def test_a_member_of_another_union_is_not_linked(cast: Cast) -> None:
    member_register(
        actor=superuser(), union=cast.sibling_grassroots, id_type="resident", id_number=HEAD_ID,
        name="困难户甲", joined_on=dt.date(2020, 1, 1), consent_purpose="实名登记",
    )  # fmt: skip
    assert apply(cast).member_id is None
