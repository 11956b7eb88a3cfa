"""Pure rules of membership: who of the members has a vote (DOMAIN.md §2.2).

Values in, a decision and its reason out; the modules that hold votes and elections (democracy's
ballot engine and delegate rolls, governance's candidates) ask here, so the rule is written once."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.members.models import MemberStatus


@dataclass(frozen=True)
class Suffrage:
    may_vote: bool
    may_stand: bool
    reason: str


def suffrage_rule_text() -> str:
    return _(
        "工会基层组织选举工作条例第四条：工会会员享有选举权、被选举权和表决权，保留会籍的人员除外"
    )


def suffrage(status: str) -> Suffrage:
    """An active member votes and may stand; a 保留会籍 member (retired, unemployed) neither,
    and a member who has left the union is no member at all."""
    if status == MemberStatus.ACTIVE:
        return Suffrage(True, True, "")
    if status == MemberStatus.RETAINED:
        return Suffrage(
            False,
            False,
            _("保留会籍的会员没有选举权、被选举权和表决权（%(rule)s）")
            % {"rule": suffrage_rule_text()},
        )
    return Suffrage(False, False, _("已不是工会会员，没有选举权和被选举权"))
