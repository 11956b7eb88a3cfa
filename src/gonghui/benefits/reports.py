"""Reports: redemptions and value by merchant, subtree, month and member segment (who actually
benefits, per 1,000 members of each segment); dormant merchants; settlement per merchant and
period separating merchant-funded discounts from union subsidies (Excel via core.exporting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.benefits import selectors
from gonghui.benefits.models import Merchant, MerchantStatus, Redemption
from gonghui.core.exporting import Exporter
from gonghui.core.registry import member_segments_all
from gonghui.core.scoping import Viewer, prefix_q, scoped
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org, OrgStatus

DORMANT_DAYS = 90
CENT = Decimal("0.01")
SUMS = {
    "n": Count("id"),
    "bill": Sum("bill_amount"),
    "discount": Sum("discount"),
    "merchant_part": Sum("merchant_part"),
    "union_part": Sum("union_part"),
}


def _period(qs: QuerySet[Redemption], since: dt.date | None, until: dt.date | None) -> Any:
    if since:
        qs = qs.filter(day__gte=since)
    if until:
        qs = qs.filter(day__lte=until)
    return qs


def by_merchant(
    viewer: Viewer, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    qs = _period(selectors.redemption_list(viewer=viewer), since, until)
    return [
        _money(row)
        for row in qs.values("merchant_id", "merchant__name", "merchant__uscc")
        .annotate(**SUMS)
        .order_by("-n", "merchant__name")
    ]


def _money(row: dict[str, Any]) -> dict[str, Any]:
    """Sums as yuan with fen (SQLite returns a decimal column's SUM as a plain number)."""
    for key in ("bill", "discount", "merchant_part", "union_part"):
        if key in row:
            row[key] = Decimal(str(row[key] or 0)).quantize(CENT)
    return row


def by_month(viewer: Viewer) -> list[dict[str, Any]]:
    qs = selectors.redemption_list(viewer=viewer)
    return [
        _money(row)
        for row in qs.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(**SUMS)
        .order_by("month")
    ]


def by_subtree(viewer: Viewer, org: Org) -> list[dict[str, Any]]:
    """The acting org's direct children, each with its whole subtree's redemptions."""
    base = selectors.redemption_list(viewer=viewer)
    rows = []
    children = Org.objects.filter(parent=org).exclude(status=OrgStatus.MERGED).order_by("path")
    for child in [org, *children]:
        qs = base.filter(prefix_q("org_path", child.path))
        if child == org:
            qs = base.filter(org_path=org.path)
        figures = qs.aggregate(**SUMS)
        if figures["n"]:
            rows.append({"org": child, **_money(figures)})
    return rows


def by_segment(viewer: Viewer) -> list[dict[str, Any]]:
    """Who benefits: redemptions by members of each segment, per 1,000 members of it, against
    the members of the viewer's subtrees (by the member's own union)."""
    redemptions = scoped(Redemption.objects.all(), viewer, "member_path")
    members = scoped(
        Member.objects.filter(status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED]), viewer
    )
    rows = []
    for segment in member_segments_all():
        if segment.q is None:
            continue
        count = members.filter(segment.q).count()
        figures = redemptions.filter(segments__contains=f",{segment.code},").aggregate(**SUMS)
        rows.append(_segment_row(segment.label, count, figures))
    others = members
    for segment in member_segments_all():
        if segment.q is not None:
            others = others.exclude(segment.q)
    figures = redemptions.filter(segments="").aggregate(**SUMS)
    rows.append(_segment_row(_("其他会员"), others.count(), figures))
    return rows


def _segment_row(label: Any, members: int, figures: dict[str, Any]) -> dict[str, Any]:
    n = figures["n"] or 0
    return {
        "label": label,
        "members": members,
        "n": n,
        "discount": _money(figures)["discount"],
        "per_1000": round(n * 1000 / members, 1) if members else None,
    }


def dormant_merchants(viewer: Viewer, days: int = DORMANT_DAYS) -> list[Merchant]:
    since = timezone.localdate() - dt.timedelta(days=days)
    qs = (
        scoped(Merchant.objects.filter(status=MerchantStatus.SIGNED), viewer)
        .annotate(last=Max("redemptions__day"))
        .filter(Q(last__isnull=True) | Q(last__lt=since))
        .order_by("name")
    )
    return list(qs[:200])


class SettlementExporter(Exporter):
    """结算: per merchant and period, what the merchant gave and what the union owes it."""

    title = _("普惠结算")

    def _dates(self) -> tuple[dt.date | None, dt.date | None]:
        def parse(key: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(self.params.get(key) or ""))
            except ValueError:
                return None

        return parse("since"), parse("until")

    def header(self) -> Sequence[str | Promise]:
        return [
            _("商户名称"),
            _("统一社会信用代码"),
            _("核销笔数"),
            _("消费金额"),
            _("优惠金额"),
            _("商户让利"),
            _("工会补贴（应结算）"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        since, until = self._dates()
        for row in by_merchant(self.viewer, since, until):
            yield [
                row["merchant__name"],
                row["merchant__uscc"],
                row["n"],
                row["bill"],
                row["discount"],
                row["merchant_part"],
                row["union_part"],
            ]
