"""Objects of the other county that tests/test_scoping_walk.py walks (the aftercare routes of
the honours app, hon2): a holder with an assessment, a care record, an allowance payable, a
revocation, a care fund and a studio."""

from __future__ import annotations

from tests.conftest import Cast

HOLDER_SECRET = "东郊关爱劳模辛"
CARE_SECRET = "东郊疗养院壬"
FACTS_SECRET = "东郊撤销事实癸"
STUDIO_SECRET = "东郊创新工作室子"
SECRETS: list[str] = [HOLDER_SECRET, CARE_SECRET, FACTS_SECRET, STUDIO_SECRET]


def walk_objects(cast: Cast) -> dict[str, int]:
    from django.utils import timezone

    from gonghui.core import ledger
    from gonghui.core.models import Fund
    from gonghui.honors.models import CARE_FUND, Honour, RevocationCause, Studio
    from gonghui.honors.services import care, revocations, studios
    from tests.factories import chair, fresh
    from tests.honors.aftercare_helpers import holder

    existing = Honour.objects.unscoped(reason="test").filter(name=HOLDER_SECRET).first()
    if existing is None:
        grass = fresh(cast.grassroots_officer)
        boss = fresh(chair(cast.county, "east_care_chair"))
        existing = holder(cast, HOLDER_SECRET, in_hardship=True)
        care.care_record_add(
            actor=grass,
            honour=existing,
            kind="sanatorium",
            on=timezone.localdate(),
            place=CARE_SECRET,
        )
        revocations.revocation_propose(
            actor=grass,
            honour=existing,
            cause=RevocationCause.objects.get(code="false-deeds"),
            facts=FACTS_SECRET,
        )
        ledger.fund_create(actor=boss, org=cast.county, name="东区劳模关爱", purpose=CARE_FUND)
        care.allowance_rate_save(actor=boss, org=cast.county, level_key="provincial", monthly="80")
        care.allowances_generate(month=timezone.localdate())
        studios.studio_register(
            actor=grass, org=cast.grassroots, name=STUDIO_SECRET, leader=existing, field="焊接"
        )
    studio = Studio.objects.unscoped(reason="test").get(name=STUDIO_SECRET)
    revocation = existing.revocations.get()
    fund = Fund.objects.unscoped(reason="test").get(purpose=CARE_FUND, org=cast.county)
    return {
        "honour": existing.pk,
        "studio": studio.pk,
        "revocation": revocation.pk,
        "fund": fund.pk,
    }


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    o = {k: [str(v)] for k, v in walk_objects(cast).items()}
    honour = {"pk": o["honour"]}
    return {
        "honors:aftercare": honour,
        "honors:assess": honour,
        "honors:term_confirm": honour,
        "honors:term_lapse": honour,
        "honors:propose": honour,
        "honors:care_add": honour,
        "honors:care_profile": honour,
        "honors:revocation": {"pk": o["revocation"]},
        "honors:care_bank_file": {"pk": o["fund"]},
        "honors:studio": {"pk": o["studio"]},
    }
