"""Member segments an offer may be restricted to, and that reports count (who benefits).

Built in: 农民工, 八大群体 (new forms of employment), 保留会籍. Later modules (困难职工, 劳模)
add theirs in ``AppConfig.ready()`` with :func:`register_member_segment`; the ``q`` filter, when
given, lets reports count the segment's members (per 1,000 members of the segment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.members.models import Member, MemberStatus


@dataclass(frozen=True)
class Segment:
    code: str
    label: str | Promise
    predicate: Callable[[Member], bool]
    q: Q | None = None


_segments: dict[str, Segment] = {}


def register_member_segment(
    code: str, label: str | Promise, predicate: Callable[[Member], bool], q: Q | None = None
) -> None:
    _segments[code] = Segment(code, label, predicate, q)


def segments() -> list[Segment]:
    return list(_segments.values())


def segment_get(code: str) -> Segment | None:
    return _segments.get(code)


def segment_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("全体会员")), *((s.code, s.label) for s in _segments.values())]


def member_segments(member: Member) -> list[str]:
    return [s.code for s in _segments.values() if s.predicate(member)]


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
