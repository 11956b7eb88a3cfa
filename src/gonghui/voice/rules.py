"""Pure rules of the voice module: decisions on values passed in, no database."""

from __future__ import annotations

from django.utils.translation import gettext as _

# A submitter who said the reply satisfied them has closed the matter; only 不满意 (or no
# rating yet) leaves the one reopening open.
_SETTLED_RATINGS = ("satisfied", "basic")
_REOPENABLE_STATES = ("replied", "closed")


def reopen_refusal(*, status: str, reopened: int, rating: str, rating_label: str = "") -> str:
    """Why the submitter may not ask for the appeal to be handled again ("" when they may)."""
    if status not in _REOPENABLE_STATES:
        return _("答复后才能申请重新办理")
    if reopened >= 1:
        return _("每件诉求只能申请重新办理一次")
    if rating in _SETTLED_RATINGS:
        return _("您已评价为“%(rating)s”，不能再申请重新办理") % {"rating": rating_label or rating}
    return ""
