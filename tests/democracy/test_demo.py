"""The demo: a congress with sessions, motions in every state and a disclosure plan, fast."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from gonghui.demo import generator
from gonghui.democracy.demo import congress as demo
from gonghui.democracy.models import Congress, DisclosureItem, Motion, MotionState, Session
from tests.factories import fake_appeal_receiver


@pytest.mark.django_db
def test_demo_seed_shows_every_motion_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MODULES", [])
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 200)
    generator.seed_demo(seed=7)
    builder = generator._Builder(7)
    with fake_appeal_receiver():
        started = time.perf_counter()
        demo.seed(builder)
        elapsed = time.perf_counter() - started
    assert elapsed < 3
    assert Congress.objects.count() == 1 and Session.objects.count() == 2
    assert set(Motion.objects.values_list("state", flat=True)) == set(MotionState.values)
    assert DisclosureItem.objects.filter(published_at__isnull=False).exists()
    client = Client()
    client.force_login(generator.User.objects.get(username="member01"))
    page = client.get("/m/democracy/").content.decode()
    assert "提出提案" in page  # member01 is a delegate
