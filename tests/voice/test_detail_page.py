"""The officer's appeal page holds several forms: each field's element id appears once (the
reason fields of 不予受理, 转办 and 转交 all rendered ``id="id_reason"``, so a label pointed
at the wrong box)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client

from gonghui.voice.services import appeals as services
from tests.conftest import Cast, fresh
from tests.factories import ensure_seeded, submit


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def _repeated_ids(html: str) -> list[str]:
    counts = Counter(re.findall(r'\bid="([^"]+)"', html))
    return sorted(i for i, n in counts.items() if n > 1)


def test_each_form_field_id_appears_once_on_the_detail_page(cast: Cast) -> None:
    appeal = submit(cast, title="加班费未足额发放", content="连续三个月加班费未按规定发放。")
    officer = fresh(cast.grassroots_officer)
    client = Client()
    client.force_login(officer)
    submitted = client.get(f"/voice/{appeal.pk}/").content.decode()
    assert submitted.count('name="reason"') == 2  # 不予受理 and 转办 both shown
    assert _repeated_ids(submitted) == []
    services.appeal_accept(actor=officer, appeal=appeal)
    accepted = client.get(f"/voice/{appeal.pk}/").content.decode()
    assert accepted.count('name="reason"') == 2  # 转办 and 转交部门
    assert _repeated_ids(accepted) == []
