"""The 劳模 and 困难劳模 member segments (core.registry): members holding a model-worker title
in force, and those of them flagged in hardship (shared with 困难职工帮扶 and the care module),
so that 普惠 offers and campaigns can target them and reports count them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.registry import register_member_segment
from gonghui.honors.models import Honour, HonourStatus

MODEL_WORKER = "model_worker"
HARDSHIP_MODEL_WORKER = "hardship_model_worker"


def _holders(**extra: Any) -> Any:
    # Member ids only: the segment says who, never which honour.
    return (
        Honour.objects.unscoped(reason="a segment is a predicate over every holder")
        .filter(
            status=HonourStatus.ACTIVE,
            award_type__model_worker=True,
            member__isnull=False,
            **extra,
        )
        .values("member_id")
    )


def is_model_worker(member: Any) -> bool:
    return _holders().filter(member=member).exists()


def is_hardship_model_worker(member: Any) -> bool:
    return _holders(in_hardship=True).filter(member=member).exists()


def register() -> None:
    register_member_segment(MODEL_WORKER, _("劳模"), is_model_worker, Q(pk__in=_holders()))
    register_member_segment(
        HARDSHIP_MODEL_WORKER,
        _("困难劳模"),
        is_hardship_model_worker,
        Q(pk__in=_holders(in_hardship=True)),
    )
