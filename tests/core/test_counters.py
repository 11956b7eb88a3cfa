"""core.counters: services keep per-org figures current; they always equal a full recount."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter as Tally

import pytest
from django.core.exceptions import ValidationError

from gonghui.core import counters, rollups
from gonghui.members.models import Member
from gonghui.members.services import members as services
from gonghui.members.services.cards import card_replace
from gonghui.orgs.models import Org
from gonghui.orgs.services.orgs import employer_update, org_merge, org_move
from tests.conftest import Cast
from tests.factories import make_employer, make_org, resident, superuser


def test_bump_upserts_and_change_writes_net_differences(cast: Cast) -> None:
    counters.bump({("0001", "x"): 2})
    counters.bump({("0001", "x"): 3, ("0001", "y"): 0})
    counters.change([("0001", "x"), ("0002", "x")], [("0001", "x"), ("0003", "x")])
    stored = counters.stored()
    assert stored[("0001", "x")] == 5 and stored[("0003", "x")] == 1
    assert stored.get(("0002", "x")) == -1 and ("0001", "y") not in stored


def _register(union, n: int, rng: random.Random) -> Member:
    body = f"410105{1960 + n % 40}0{1 + n % 9}1{n % 10}{n % 1000:03d}"[:17]
    return services.member_register(
        actor=superuser(),
        union=union,
        id_type="resident",
        id_number=resident(body),
        name=f"会员{n}",
        joined_on=dt.date(2010 + n % 15, 1 + n % 12, 1),
        consent_purpose="实名登记",
        migrant_worker=rng.random() < 0.3,
        household_type=rng.choice(["", "农业户口", "非农业户口"]),
    )


def _assert_subtrees_equal_a_rebuild(when: str) -> None:
    """Every org's subtree figures and ranking (own rows, folded sums, pending deltas) equal
    the recomputed per-org counters summed over the subtree."""
    computed = counters.computed()
    orgs = list(Org.objects.order_by("path"))
    for org in orgs:
        expected: Tally[str] = Tally()
        by_child: Tally[str] = Tally()
        for (path, key), value in computed.items():
            if path.startswith(org.path):
                expected[key] += value
                if key == "members.current" and path != org.path:
                    by_child[path[: len(org.path) + 4]] += value
        assert rollups.subtree(org.path) == +expected, f"{when}: {org.code}"
        child_paths = [o.path for o in orgs if o.parent_id == org.pk]
        totals, own = rollups.children(org.path, child_paths, "members.current")
        assert {p: v for p, v in totals.items() if v} == +by_child, f"{when}: {org.code}"
        assert own == computed.get((org.path, "members.current"), 0), f"{when}: {org.code}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_figures_equal_a_rebuild_after_random_work(cast: Cast, seed: int) -> None:
    """Issue 11: joins, transfers, retains, withdrawals, card replacements, employer edits,
    org moves and merges in random order; the counters equal ``rebuild_counters`` after each."""
    rng = random.Random(seed)
    folds = random.Random(-seed)  # its own stream: the operations stay those of the seed
    admin = superuser()
    unions = [cast.grassroots, cast.sibling_grassroots]
    unions.append(make_org(cast.town, "grassroots", "东区第二工会委员会", "EAST-G2"))
    towns = [cast.town, make_org(cast.county, "town", "东区第二街道工会", "EAST-T2")]
    members: list[Member] = []
    done: list[str] = []
    employer = make_employer(cast.town, union=None, employees=10)
    for step in range(60):
        op = rng.choice(["join", "join", "transfer", "status", "card", "employer", "move", "merge"])
        try:
            if op == "join" or not members:
                members.append(_register(rng.choice(unions), step + 100 * seed, rng))
            elif op == "transfer":
                member = Member.objects.get(pk=rng.choice(members).pk)
                target = rng.choice([u for u in unions if u.pk != member.union_id and u.is_active])
                transfer = services.transfer_issue(
                    actor=admin, member=member, to_union=target, reason="调动"
                )
                services.transfer_accept(actor=admin, transfer=transfer)
            elif op == "status":
                action = rng.choice(["retain", "restore", "withdraw", "expel"])
                services.member_change_status(
                    actor=admin, member=rng.choice(members), action=action, reason="测试"
                )
            elif op == "card":
                card_replace(actor=admin, member=rng.choice(members), reason="遗失")
            elif op == "employer":
                employer = employer_update(
                    actor=admin,
                    employer=employer,
                    name=employer.name,
                    union=rng.choice([None, *[u for u in unions if u.is_active]]),
                    uscc=employer.uscc,
                    employee_count=rng.choice([5, 25, 300]),
                )
            elif op == "move":
                union = rng.choice(
                    [u for u in unions if u.is_active and u.parent_id != cast.county.pk] or unions
                )
                union.refresh_from_db()
                org_move(actor=admin, org=union, new_parent=rng.choice(towns))
            elif op == "merge":
                active = [u for u in unions if u.is_active]
                if len(active) > 2:
                    source, target = rng.sample(active[1:], 2)
                    for org in (source, target):
                        org.refresh_from_db()
                    org_merge(actor=admin, source=source, target=target)
                    source.refresh_from_db()
            done.append(op)
        except ValidationError:
            pass  # a refused step (e.g. a withdrawn member's transfer) changes nothing
        for union in unions:
            union.refresh_from_db()
        assert counters.stored() == counters.computed(), f"after step {step}: {op}"
        if folds.random() < 0.4:
            rollups.fold()  # the scheduled job, at random points between the writes
        _assert_subtrees_equal_a_rebuild(f"after step {step}: {op}")
    assert counters.stored()  # the figures are not trivially empty
    assert {"join", "transfer", "status", "move"} <= set(done), done


def test_phone_card_loss_and_approved_corrections_keep_the_figures(cast: Cast) -> None:
    """The member's own 挂失 and a correction of gender/birth (a new ID) move the counters."""
    from gonghui.members.services.corrections import correction_approve, correction_request
    from gonghui.members.services.self_service import card_report_lost
    from tests.factories import make_account

    rng = random.Random(7)
    member = _register(cast.grassroots, 1, rng)
    account = make_account("member", "counted")
    Member.objects.filter(pk=member.pk).update(account=account)
    member.refresh_from_db()
    card_report_lost(actor=account, member=member)
    assert counters.stored() == counters.computed()
    new_id = resident("41010519900505202")
    request = correction_request(actor=account, member=member, values={"id_number": new_id})
    correction_approve(actor=superuser(), correction=request)
    assert counters.stored() == counters.computed()
