"""The demo seeds cases in every state, a 送温暖 and a 金秋助学 campaign, quickly."""

from __future__ import annotations

import time

import pytest

from gonghui.assistance import demo
from gonghui.assistance.models import CaseStatus, HardshipCase
from gonghui.assistance.models.funds import AssistanceRecord, Campaign
from gonghui.core.models import Fund
from gonghui.demo import generator


@pytest.mark.django_db
def test_demo_has_every_state_and_both_campaigns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 50)
    monkeypatch.setattr(generator, "DEMO_MODULES", [])
    generator.seed_demo(size="small", seed=3)
    builder = generator._Builder(3)
    started = time.monotonic()
    demo.seed(builder)
    assert time.monotonic() - started < 3
    states = set(HardshipCase.objects.values_list("status", flat=True))
    assert states == set(CaseStatus.values)
    assert set(Campaign.objects.values_list("kind", flat=True)) == {"warmth", "student"}
    assert AssistanceRecord.objects.filter(duplicate_of__isnull=False).count() == 1
    assert all(f.balance >= 0 for f in Fund.objects.all())
