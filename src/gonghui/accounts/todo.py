from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from gonghui.accounts.selectors import officer_list
from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere


def locked_officers(viewer: Viewer) -> Iterable[TodoItem]:
    """Officer accounts locked after failed logins, for those who manage accounts."""
    users = officer_list(viewer=viewer).filter(locked_until__gt=timezone.now())
    count = users.count()
    if count and holds_anywhere(viewer, "accounts.officer.manage"):
        yield TodoItem(
            title=ngettext(
                "%(n)d个干部账号因连续登录失败被锁定",
                "%(n)d个干部账号因连续登录失败被锁定",
                count,
            )
            % {"n": count},
            url=reverse("accounts:officer_list") + "?locked=1",
            count=count,
        )
