"""What 普惠 counts under (core.counters): merchants by status at the owning org, redemptions
and their value at the merchant's org, and redemptions by the members of each union."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from gonghui.benefits.models import Merchant, MerchantStatus, Redemption
from gonghui.core import counters

MERCHANT_PREFIXES = ("merchants.",)


def merchant_source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    merchants = Merchant.objects.all()
    if paths is not None:
        merchants = merchants.filter(org_path__in=paths)
    for row in merchants.values("org_path", "status").annotate(n=Count("id")):
        yield row["org_path"], "merchants.total", row["n"]
        if row["status"] == MerchantStatus.SIGNED:
            yield row["org_path"], "merchants.signed", row["n"]


def fen(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def redemption_keys(redemption: Any) -> dict[tuple[str, str], int]:
    return {
        (redemption.org_path, "redemptions.count"): 1,
        (redemption.org_path, "redemptions.discount_fen"): fen(redemption.discount),
        (redemption.org_path, "redemptions.union_fen"): fen(redemption.union_part),
        (redemption.member_path, "redemptions.by_members"): 1,
    }


def redemption_bump(redemption: Any) -> None:
    """A redemption is one more row of a big table: a delta, not a recount."""
    counters.bump(redemption_keys(redemption))


def redemption_source(paths: list[str] | None = None) -> Iterator[tuple[str, str, int]]:
    at_merchants, of_members = Redemption.objects.all(), Redemption.objects.all()
    if paths is not None:
        at_merchants = at_merchants.filter(org_path__in=paths)
        of_members = of_members.filter(member_path__in=paths)
    by_merchant = at_merchants.values("org_path").annotate(
        n=Count("id"), discount=Sum("discount"), union=Sum("union_part")
    )
    for row in by_merchant:
        yield row["org_path"], "redemptions.count", row["n"]
        yield row["org_path"], "redemptions.discount_fen", fen(row["discount"])
        yield row["org_path"], "redemptions.union_fen", fen(row["union"])
    for row in of_members.values("member_path").annotate(n=Count("id")):
        yield row["member_path"], "redemptions.by_members", row["n"]


def recount_after_merge(paths: list[str]) -> None:
    counters.recount_source("benefits.merchants", paths)
    counters.recount(paths, ("redemptions.",), redemption_source(paths))
