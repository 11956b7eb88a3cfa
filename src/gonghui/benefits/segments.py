"""benefits' member segments (农民工, 八大群体, 保留会籍), registered in core.registry where other
modules add theirs (assistance 困难职工, honours 劳模)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.registry import (
    member_in_segment,
    member_segments,
    member_segments_all,
    register_member_segment,
)
from gonghui.members.models import MemberStatus

# The counter (benefits.services.shop) reads the segments through this module.
__all__ = ["member_in_segment", "member_segments", "register_builtin", "segment_choices"]


def segment_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("全体会员")), *((s.code, s.label) for s in member_segments_all())]


def register_builtin() -> None:
    register_member_segment(
        "migrant", _("农民工"), lambda m: bool(m.migrant_worker), Q(migrant_worker=True)
    )
    register_member_segment(
        "new_employment",
        _("八大群体"),
        lambda m: bool(m.new_employment),
        ~Q(new_employment=""),
    )
    register_member_segment(
        "retained",
        _("保留会籍"),
        lambda m: m.status == MemberStatus.RETAINED,
        Q(status=MemberStatus.RETAINED),
    )
