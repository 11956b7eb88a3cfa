from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import ngettext

from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere
from gonghui.orgs.selectors import employers_without_union


def unorganized_employers(viewer: Viewer) -> Iterable[TodoItem]:
    """未建会 employers with 25 or more employees (工会法 §11) for the 建会 drive."""
    if not holds_anywhere(viewer, "orgs.employer.manage"):
        return
    count = employers_without_union(viewer=viewer).count()
    if count:
        yield TodoItem(
            title=ngettext(
                "%(n)d个职工25人以上的用人单位尚未建会",
                "%(n)d个职工25人以上的用人单位尚未建会",
                count,
            )
            % {"n": count},
            url=reverse("orgs:employer_list") + "?has_union=0&min_employees=25",
            count=count,
        )
