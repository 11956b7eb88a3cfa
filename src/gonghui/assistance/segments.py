"""The 困难职工 member segment (core.registry): members with an open hardship archive (建档 or
proposed for exit), so that offers can target them and benefits' reports count them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import OPEN_STATUSES, HardshipCase
from gonghui.core.registry import register_member_segment

CODE = "hardship"


def _open_cases() -> Any:
    # Member ids only: the segment says who, never which case or why (health data stays put).
    return HardshipCase.objects.filter(status__in=OPEN_STATUSES, member__isnull=False).values(
        "member_id"
    )


def has_open_case(member: Any) -> bool:
    return HardshipCase.objects.filter(member=member, status__in=OPEN_STATUSES).exists()


def register() -> None:
    # The q is a subquery, evaluated when a report filters its (scoped) members with it.
    register_member_segment(CODE, _("困难职工"), has_open_case, Q(pk__in=_open_cases()))
