"""Issue 17 item 6: migrations that upgrade a database correctly, not only a fresh one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from gonghui.core.dicts_data import BUILTIN
from gonghui.core.models import CalendarYear


def _latest(app: str) -> list[tuple[str, str]]:
    graph = MigrationLoader(connection).graph
    return [key for key in graph.leaf_nodes() if key[0] == app]


def _every_latest() -> list[tuple[str, str]]:
    """Every app's newest migration: going back to an old core unapplies every app built on it
    (the ledger's funds: assistance, honours, governance), and all must come back."""
    return list(MigrationLoader(connection).graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_upgrading_past_due_confirmed_marks_deadlines_in_unpublished_years(cast: object) -> None:
    before = [("democracy", "0004_secret_ballots_sealed")]
    after = [("democracy", "0005_backfill_due_confirmed")]
    latest = _latest("democracy")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        # Earlier transactional tests may have emptied the seeded calendar: set it here.
        published, unpublished = 2026, 2027
        CalendarYear.objects.get_or_create(year=published)
        CalendarYear.objects.filter(year=unpublished).delete()
        org = old.get_model("orgs", "Org").objects.get(code="EAST-G1")
        congress = old.get_model("democracy", "Congress").objects.create(
            org_id=org.pk, org_path=org.path, name="职代会", kind="representative", staff_count=300
        )
        term = old.get_model("democracy", "Term").objects.create(
            congress=congress, org_path=org.path, number=1,
            starts_on=dt.date(published, 1, 1), ends_on=dt.date(published + 4, 12, 31),
        )  # fmt: skip
        proposer = old.get_model("democracy", "Delegate").objects.create(
            term=term, org_path=org.path, name="代表", gender="M", group="frontline",
            constituency="一车间", elected_on=dt.date(published, 1, 1),
        )  # fmt: skip
        motion = old.get_model("democracy", "Motion")

        def assigned(on: dt.date, due: dt.date) -> int:
            return motion.objects.create(
                congress=congress, org_path=org.path, title="提案", content="内容",
                proposer=proposer, state="assigned", assigned_on=on, due_on=due,
            ).pk  # fmt: skip

        inside = assigned(dt.date(published, 3, 2), dt.date(published, 3, 30))
        across = assigned(dt.date(published, 12, 20), dt.date(unpublished, 1, 20))
        draft = motion.objects.create(
            congress=congress, org_path=org.path, title="草稿", content="内容", proposer=proposer
        ).pk
        assert set(motion.objects.values_list("due_confirmed", flat=True)) == {True}  # the bug

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("democracy", "Motion")
        flags = dict(new.objects.values_list("pk", "due_confirmed"))
        assert flags == {inside: True, across: False, draft: True}
    finally:
        MigrationExecutor(connection).migrate(latest)


def test_the_dictionary_seed_migration_carries_its_own_data() -> None:
    """A migration replays the data of its day: it must not read live code that later
    releases change (or the cache, which broke `migrate` on a shared Redis)."""
    from importlib import import_module

    migration = import_module("gonghui.core.migrations.0004_seed_dicts")
    source = Path(migration.__file__).read_text(encoding="utf-8")
    imports = [
        line for line in source.splitlines() if line.lstrip().startswith(("from ", "import "))
    ]
    assert imports == ["from django.db import migrations"]
    frozen = {(name, code) for name, entries in migration.FROZEN.items() for code, *_ in entries}
    today = {(name, code) for name, (_t, entries) in BUILTIN.items() for code, *_ in entries}
    # Entries added to BUILTIN later ship with a migration of their own.
    assert frozen <= today


@pytest.mark.django_db(transaction=True)
def test_distributions_become_one_row_per_org_and_back() -> None:
    """Issue 18.2: core 0014 / stats 0005 fold the per-year and per-month rows into one row per
    org and dimension (and the snapshots' rows alike); reversed, the rows come back as they were."""
    before = [("core", "0013_history"), ("stats", "0004_history_in_core")]
    after = [
        ("core", "0014_distributions_one_row_per_org"),
        ("stats", "0005_distributions_one_row_per_org"),
    ]
    # core 0013 is before the ledger (0015), which assistance's migrations depend on: restore all.
    latest = _every_latest()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        counter = old.get_model("core", "OrgCounter")
        counter.objects.all().delete()
        rows = {
            ("0001", "members.current"): 5,
            ("0001", "members.born.1985"): 3,
            ("0001", "members.born.1990"): 2,
            ("0001", "members.joined.2024-05"): 5,
            ("0002", "members.born.1985"): 1,
            ("0002", "members.born.1999"): 0,  # a zero row is left behind, not carried
        }
        counter.objects.bulk_create(
            counter(org_path=p, key=k, value=v) for (p, k), v in rows.items()
        )
        snapshot = old.get_model("stats", "Snapshot").objects.create(
            label="1999", taken_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )
        snapshot_row = old.get_model("stats", "SnapshotCounter")
        snapshot_row.objects.create(
            snapshot=snapshot, org_path="0001", key="members.born.1985", value=3
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        stored = {
            (p, k): (v, s)
            for p, k, v, s in new.get_model("core", "OrgCounter").objects.values_list(
                "org_path", "key", "value", "spread"
            )
        }
        assert stored == {
            ("0001", "members.current"): (5, None),
            ("0001", "members.born"): (5, {"1985": 3, "1990": 2}),
            ("0001", "members.joined"): (5, {"2024-05": 5}),
            ("0002", "members.born"): (1, {"1985": 1}),
        }
        kept = new.get_model("stats", "SnapshotCounter").objects.filter(snapshot_id=snapshot.pk)
        assert list(kept.values_list("key", "value", "spread")) == [
            ("members.born", 3, {"1985": 3})
        ]

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        back = executor.loader.project_state(before).apps.get_model("core", "OrgCounter")
        restored = {(p, k): v for p, k, v in back.objects.values_list("org_path", "key", "value")}
        assert restored == {pair: v for pair, v in rows.items() if v}
    finally:
        MigrationExecutor(connection).migrate(latest)
        from gonghui.core.counters import rebuild_counters

        rebuild_counters()


@pytest.mark.django_db(transaction=True)
def test_assistance_funds_move_into_the_core_ledger_and_back(cast: object) -> None:
    """Issue 17.7: assistance 0006 moves the funds and their entries into core's ledger with the
    same ids (URLs stay valid) and times, a payment's record becoming the entry's reference; new
    funds continue after the moved ids; reversed, the rows go back and core keeps only others."""
    before = [("assistance", "0003_private_file_storage"), ("core", "0015_one_ledger")]
    after = [("assistance", "0006_funds_into_core_ledger")]
    latest = _every_latest()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        org = old.get_model("orgs", "Org").objects.get(code="EAST")
        user = old.get_model("accounts", "User").objects.order_by("id").first()
        then = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
        fund = old.get_model("assistance", "Fund").objects.create(
            id=41, org_id=org.pk, org_path=org.path, name="帮扶专项资金", kind="campaign",
            balance="700.00",
        )  # fmt: skip
        record = old.get_model("assistance", "AssistanceRecord").objects.create(
            recipient_name="困难户", kind="cash", amount="300.00", fund_id=fund.pk,
            org_id=org.pk, org_path=org.path, status="paid",
        )  # fmt: skip
        entry = old.get_model("assistance", "FundEntry")
        entry.objects.bulk_create([
            entry(id=51, fund_id=fund.pk, direction="in", amount="1000.00",
                  balance_after="1000.00", memo="拨付", org_path=org.path, actor_id=user.pk),
            entry(id=52, fund_id=fund.pk, direction="out", amount="300.00",
                  balance_after="700.00", memo="资金帮扶：困难户", record_id=record.pk,
                  org_path=org.path),
        ])  # fmt: skip
        old.get_model("assistance", "Fund").objects.filter(pk=fund.pk).update(created_at=then)
        entry.objects.update(at=then)

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        moved = new.get_model("core", "Fund").objects.get(pk=41)
        assert (moved.name, moved.purpose, moved.balance, moved.created_at, moved.org_id) == (
            "帮扶专项资金",
            "campaign",
            Decimal("700.00"),
            then,
            org.pk,
        )
        lines = new.get_model("core", "LedgerEntry").objects.order_by("id")
        assert list(lines.values_list("id", "direction", "balance_after", "ref_model", "ref_id",
                                      "actor_id", "at")) == [
            (51, "in", Decimal("1000.00"), "", None, user.pk, then),
            (52, "out", Decimal("700.00"), "assistance.AssistanceRecord", record.pk, None, then),
        ]  # fmt: skip
        paid = new.get_model("assistance", "AssistanceRecord").objects.get(pk=record.pk)
        assert paid.fund.balance == Decimal("700.00")  # the record's fund is core's now
        other = new.get_model("core", "Fund").objects.create(
            org_id=org.pk, org_path=org.path, name="劳模关爱资金", purpose="honours.care"
        )
        assert other.pk > 41  # the sequence continues after the moved ids (PostgreSQL)

        executor = MigrationExecutor(connection)
        executor.migrate([("assistance", "0003_private_file_storage")])
        back = executor.loader.project_state(before).apps  # core 0015 stays applied
        restored = back.get_model("assistance", "Fund").objects.get(pk=41)
        assert (restored.kind, restored.balance, restored.created_at) == (
            "campaign",
            Decimal("700.00"),
            then,
        )
        assert list(
            back.get_model("assistance", "FundEntry")
            .objects.order_by("id")
            .values_list("id", "record_id", "actor_id", "at")
        ) == [(51, None, user.pk, then), (52, record.pk, None, then)]
        assert (
            back.get_model("assistance", "AssistanceRecord").objects.get(pk=record.pk).fund_id == 41
        )
        core_funds = back.get_model("core", "Fund").objects.values_list("purpose", flat=True)
        assert list(core_funds) == ["honours.care"]
        back.get_model("core", "Fund").objects.all().delete()
    finally:
        MigrationExecutor(connection).migrate(latest)
