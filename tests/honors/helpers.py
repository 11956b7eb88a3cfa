"""Shared set-up of the honours tests: a provincial 劳模 call with a composition rule, and the
chairs who act at each level (chairs of federations hold honors.approve)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gonghui.honors.models import AwardCall, AwardType, CompositionRule
from gonghui.honors.services import calls
from tests.conftest import Cast
from tests.factories import chair, fresh


def province_chair(cast: Cast) -> Any:
    return fresh(chair(cast.province, "prov-chair"))


def city_chair(cast: Cast) -> Any:
    return fresh(chair(cast.city, "city-chair"))


def model_worker_type() -> AwardType:
    return AwardType.objects.get(code="province-model-worker")


def province_call(cast: Cast, *, front_line_min: int = 55, seats: int = 10) -> AwardCall:
    today = dt.date.today()
    CompositionRule.objects.update_or_create(
        award_type=model_worker_type(),
        year=today.year,
        defaults={"front_line_min": Decimal(front_line_min), "heads_max": Decimal(20)},
    )
    return calls.call_issue(
        actor=province_chair(cast),
        award_type=model_worker_type(),
        org=cast.province,
        year=today.year,
        seats=seats,
        nominations_due=today + dt.timedelta(days=30),
    )
