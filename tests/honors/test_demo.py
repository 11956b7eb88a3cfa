"""The demo seeds a provincial 劳模 cycle in 公示 with candidates from two cities (one list sent
up over the 一线 share with a written reason), an unanswered objection, and holders whose
counters equal a rebuild."""

from __future__ import annotations

import pytest

from gonghui.core import counters
from gonghui.demo import generator
from gonghui.honors import demo
from gonghui.honors.models import (
    AwardCall,
    CallStatus,
    Honour,
    Nomination,
    NominationStatus,
    Objection,
    Submission,
)


@pytest.mark.django_db
def test_demo_has_a_provincial_cycle_in_publicity_and_holders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 200)
    monkeypatch.setattr(generator, "DEMO_MODULES", [])
    generator.seed_demo(size="small", seed=5)
    demo.seed(generator._Builder(5))
    call = AwardCall.objects.unscoped(reason="test").get()
    assert call.status == CallStatus.PUBLICITY and call.org.code == "HA"
    listed = Nomination.objects.unscoped(reason="test").filter(status=NominationStatus.PUBLICITY)
    assert {n.org.code for n in listed} == {"ZZ", "LY"}
    sent = Submission.objects.unscoped(reason="test")
    assert sorted(s.org.code for s in sent) == ["LY", "ZZ"]
    assert [s.org.code for s in sent if s.override_reason] == ["LY"]
    assert Objection.objects.unscoped(reason="test").filter(answered_on__isnull=True).count() == 1
    holders = Honour.objects.unscoped(reason="test")
    assert holders.count() == 5 and holders.filter(in_hardship=True).count() == 1
    honours = {k: v for k, v in counters.computed().items() if k[1].startswith("honors.")}
    assert honours == {k: v for k, v in counters.stored().items() if k[1].startswith("honors.")}
    # hon2's aftercare demo revokes one of the five (the city 劳模).
    assert sum(v for (p, k), v in honours.items() if k == "honors.active") == 4
