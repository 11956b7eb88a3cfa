"""Helpers of the aftercare tests (hon2): a provincial 劳模 on the roster, a funded care fund, a
民主评议 run to its publication on the real ballot engine."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from gonghui.core import ledger
from gonghui.core.scoping import unscoped
from gonghui.democracy.models import Ballot
from gonghui.democracy.services import ballots
from gonghui.honors.models import CARE_FUND, AwardType, Honour
from gonghui.honors.services import care, terms
from tests.conftest import Cast
from tests.factories import TELLERS, chair, close_and_tally, fresh, make_account, register, resident

_certificates = itertools.count(1)


def province_model_type() -> AwardType:
    award_type, _new = AwardType.objects.get_or_create(
        code="test-province-model",
        defaults={
            "name": "省劳动模范",
            "level": "province",
            "recipient_kind": "person",
            "cycle": "five_yearly",
            "term_years": 5,
            "allowance_key": "provincial",
            "model_worker": True,
        },
    )
    return award_type


def holder(
    cast: Cast,
    name: str = "王劳模",
    *,
    conferred_on: dt.date | None = None,
    org: Any = None,
    award_type: AwardType | None = None,
    **fields: Any,
) -> Honour:
    """A provincial 劳模 of the cast's grassroots union, conferred by the province."""
    award_type = award_type or province_model_type()
    conferred_on = conferred_on or dt.date(2024, 4, 28)
    org = org or cast.grassroots
    n = next(_certificates)
    values: dict[str, Any] = {
        "award_type": award_type,
        "level": award_type.level,
        "national": award_type.national,
        "kind": award_type.recipient_kind,
        "name": name,
        "org": org,
        "org_path": org.path,
        "conferring_org": cast.province,
        "conferred_on": conferred_on,
        "year": conferred_on.year,
        "certificate_no": f"T-{n:05d}",
        "term_ends_on": conferred_on.replace(year=conferred_on.year + 5)
        if award_type.term_years
        else None,
    }
    values.update(fields)
    with unscoped("test set-up"):
        return Honour.objects.create(**values)


def province_chair(cast: Cast) -> Any:
    return fresh(chair(cast.province, "hon_prov_chair"))


def city_chair(cast: Cast) -> Any:
    return fresh(chair(cast.city, "hon_city_chair"))


def care_fund(cast: Cast, amount: str, org: Any = None) -> Any:
    boss = province_chair(cast)
    fund = ledger.fund_create(
        actor=boss, org=org or cast.province, name="劳模关爱资金", purpose=CARE_FUND
    )
    if amount != "0":
        ledger.fund_deposit(actor=boss, fund=fund, amount=amount, memo="省总拨付")
    return fund


def jiangsu_rates(cast: Cast) -> None:
    boss = province_chair(cast)
    for key, monthly in (("national", "100"), ("provincial", "80"), ("municipal", "60")):
        care.allowance_rate_save(actor=boss, org=cast.province, level_key=key, monthly=monthly)


_voters = itertools.count(1)


def colleagues(cast: Cast, n: int = 4) -> list[Any]:
    """Members of the grassroots union with phone accounts: the named electorate."""
    people = []
    for _i in range(n):
        k = next(_voters)
        member = register(
            cast,
            number=resident(f"41010519850{k % 9 + 1}{k % 28 + 1:02d}{k % 1000:03d}"),
            name=f"同事{k}",
            phone="",
        )
        member.account = make_account("member", f"hon_colleague{k}")
        member.save(update_fields=["account"])
        people.append(member)
    return people


def run_assessment(
    cast: Cast,
    honour: Honour,
    year: int,
    grades: str,
    voters: list[Any],
    capture: Any,
) -> Any:
    """Open the year's assessment, let ``voters`` grade the holder (one letter each: E C B U),
    tally and publish; the listener concludes it. Returns the assessment, reloaded."""
    actor = fresh(cast.grassroots_officer)
    assessment = terms.assessment_open(
        actor=actor,
        honour=honour,
        year=year,
        deeds=f"{year} 年度带领班组完成技术攻关",
        voters=[v.name for v in voters],
        tellers=TELLERS,
    )
    assert assessment.ballot_id is not None
    ballot = Ballot.objects.get(pk=assessment.ballot_id)
    ballots.ballot_freeze(actor=actor, ballot=ballot)
    opened = ballots.ballot_open(actor=actor, ballot=ballot)
    for voter, grade in zip(voters, grades, strict=False):
        ballots.ballot_cast(actor=voter.account, ballot=opened.ballot, choice={"1": grade})
    close_and_tally(actor, ballot, [share for _t, share in opened.shares])
    with capture(execute=True):
        ballots.ballot_publish(actor=actor, ballot=Ballot.objects.get(pk=ballot.pk))
    assessment.refresh_from_db()
    return assessment


def today() -> dt.date:
    return timezone.localdate()
