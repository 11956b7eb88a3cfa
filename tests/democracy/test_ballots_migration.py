"""Migration 0004 carries old ballots over (DESIGN: data migrations carry existing data): the org
and the voter names come along, open and closed ballots are summed into totals with a history
row, and every plaintext cast, receipt and paper count is gone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("democracy", "0003_motion_due_confirmed")]
AFTER = [("democracy", "0004_secret_ballots_sealed")]


@pytest.mark.django_db(transaction=True)
def test_old_ballots_are_summed_and_their_plaintext_deleted(cast: object) -> None:
    from django.db.migrations.loader import MigrationLoader

    executor = MigrationExecutor(connection)
    latest = [
        key for key in MigrationLoader(connection).graph.leaf_nodes() if key[0] == "democracy"
    ]
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        org = old.get_model("orgs", "Org").objects.get(code="EAST-G1")
        congress = old.get_model("democracy", "Congress").objects.create(
            org_id=org.pk, org_path=org.path, name="职代会", kind="representative", staff_count=300
        )
        term = old.get_model("democracy", "Term").objects.create(
            congress=congress,
            org_path=org.path,
            number=1,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2029, 12, 31),
        )
        session = old.get_model("democracy", "Session").objects.create(
            term=term, org_path=org.path, number=1, title="一届一次", state="open",
            scheduled_for=dt.date(2026, 1, 1),
        )  # fmt: skip
        delegates = [
            old.get_model("democracy", "Delegate").objects.create(
                term=term,
                org_path=org.path,
                name=f"代表{i}",
                gender="M",
                group="frontline",
                constituency="一车间",
                elected_on=dt.date(2025, 1, 1),
            )
            for i in range(3)
        ]
        ballot_model = old.get_model("democracy", "Ballot")
        ballot = ballot_model.objects.create(
            session=session, org_path=org.path, kind="decision", title="旧表决",
            pass_rule="more_than_half", state="open", in_office=3, opened_at=timezone.now(),
        )  # fmt: skip
        option = old.get_model("democracy", "BallotOption")
        for pos, code in enumerate("YNA"):
            option.objects.create(ballot=ballot, code=code, label=code, position=pos)
        slot = old.get_model("democracy", "VoterSlot")
        slot.objects.create(ballot=ballot, delegate=delegates[0], voted=True, channel="phone")
        slot.objects.create(ballot=ballot, delegate=delegates[1], voted=True, channel="paper")
        slot.objects.create(ballot=ballot, delegate=delegates[2])
        old.get_model("democracy", "CastVote").objects.create(ballot=ballot, choice="N")
        old.get_model("democracy", "Receipt").objects.create(ballot=ballot, code="ABCDEFGHJK")
        tally = old.get_model("democracy", "PaperTally").objects.create(
            ballot=ballot, returned=1, invalid=0, scrutineers="甲", counters="乙", signed_off=True
        )
        old.get_model("democracy", "PaperCount").objects.create(
            tally=tally, option=option.objects.get(ballot=ballot, code="Y"), grade="", count=1
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        moved = new.get_model("democracy", "Ballot").objects.get(pk=ballot.pk)
        assert moved.org_id == org.pk and moved.state == "tallied"
        assert moved.totals == {"N": 1, "Y": 1} and moved.electronic_casts == 1
        assert moved.paper_voters == 1
        names = set(
            new.get_model("democracy", "VoterSlot")
            .objects.filter(ballot_id=ballot.pk)
            .values_list("name", flat=True)
        )
        assert names == {"代表0", "代表1", "代表2"}
        log = new.get_model("democracy", "StateLog").objects.get(kind="ballot")
        assert (log.from_state, log.to_state) == ("open", "tallied") and "明文" in log.comment
        tables = connection.introspection.table_names()
        assert not {"democracy_castvote", "democracy_receipt", "democracy_papercount"} & set(tables)
    finally:
        MigrationExecutor(connection).migrate(latest)
