"""The figures of a subtree (DOMAIN.md §10), computed from the per-org counters.

Every figure has a stable key: the CLI's ``--json``, the API and the dashboard use the same
names. Counts are integers; rates are percentages with one decimal (DOMAIN.md §10 rounding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import GRASSROOTS_KINDS, OrgKind

Counters = dict[str, int]
AGE_BANDS = {
    "16-24": (16, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55+": (55, 200),
}


Part = Callable[[Counters, dt.date], int]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    compute: Callable[[Counters, dt.date], int | Decimal | None]
    rate: bool = False  # a percentage: its change is in 百分点
    parts: tuple[Part, Part] | None = None  # a rate's numerator and denominator


def rate_figure(key: str, label: str | Promise, numerator: Part, denominator: Part) -> Figure:
    """A percentage figure that keeps its numerator and denominator, so a page can show them
    (on hover, or instead of a rate taken over a single unit)."""
    return Figure(
        key,
        label,
        lambda c, today: percent(numerator(c, today), denominator(c, today)),
        rate=True,
        parts=(numerator, denominator),
    )


def total(prefix: str) -> Callable[[Counters, dt.date], int]:
    return lambda c, today: sum(v for k, v in c.items() if k.startswith(prefix))


def count(key: str) -> Callable[[Counters, dt.date], int]:
    return lambda c, today: c.get(key, 0)


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)


def age_band(band: str) -> Callable[[Counters, dt.date], int]:
    """Members whose age reached in the current year falls in the band (birth-year counters)."""
    low, high = AGE_BANDS[band]

    def compute(c: Counters, today: dt.date) -> int:
        return sum(
            v
            for k, v in c.items()
            if k.startswith("members.born.")
            and low <= today.year - int(k.rsplit(".", 1)[1]) <= high
        )

    return compute


def yuan(key: str) -> Callable[[Counters, dt.date], Decimal]:
    return lambda c, today: Decimal(c.get(key, 0)) / 100


def this_year(prefix: str) -> Callable[[Counters, dt.date], int]:
    return lambda c, today: c.get(f"{prefix}{today.year}", 0)


def new_this_year(c: Counters, today: dt.date) -> int:
    prefix = f"members.joined.{today.year}-"
    return sum(v for k, v in c.items() if k.startswith(prefix))


def joined_by_month(c: Counters, months: list[str]) -> list[int]:
    """Current members by the month they joined (``YYYY-MM``), for the trend chart."""
    return [c.get(f"members.joined.{month}", 0) for month in months]


def grassroots_unions(c: Counters, today: dt.date) -> int:
    return sum(c.get(f"orgs.kind.{kind}", 0) for kind in GRASSROOTS_KINDS)


FIGURES: tuple[Figure, ...] = (
    # The total of the grassroots kinds; each kind has its own figure below (``unions_grassroots``
    # is the kind 基层工会委员会 alone).
    Figure("unions_grassroots_total", _("基层工会数"), grassroots_unions),
    *(
        Figure(f"unions_{kind}", label, count(f"orgs.kind.{kind}"))
        for kind, label in OrgKind.choices
    ),
    Figure("members", _("会员数"), count("members.current")),
    Figure("members_active", _("正常会员"), count("members.status.active")),
    Figure("members_retained", _("保留会籍会员"), count("members.status.retained")),
    Figure("members_female", _("女性会员"), count("members.gender.F")),
    Figure("members_male", _("男性会员"), count("members.gender.M")),
    Figure("members_migrant", _("农民工会员"), count("members.migrant")),
    Figure("members_new_employment", _("新就业形态会员"), count("members.new_employment")),
    Figure("members_new_this_year", _("本年新入会"), new_this_year),
    *(
        Figure(f"members_age_{band}", format_lazy(_("{band}岁"), band=band), age_band(band))
        for band in AGE_BANDS
    ),
    Figure("cards_active", _("有效会员卡"), count("cards.active")),
    Figure("employers", _("用人单位"), count("employers.total")),
    Figure("employers_large", _("25人以上用人单位"), count("employers.large")),
    Figure("employers_large_unionized", _("其中已建会"), count("employers.large_unionized")),
    rate_figure(
        "unionization_rate",
        _("建会率（%）"),
        count("employers.large_unionized"),
        count("employers.large"),
    ),
    Figure("employees_unionized", _("已建会单位职工数"), count("employees.unionized")),
    rate_figure(
        "membership_rate",
        _("入会率（%）"),
        count("members.current"),
        count("employees.unionized"),
    ),
)
FIGURES += (
    Figure("merchants_signed", _("签约普惠商户"), count("merchants.signed")),
    Figure("redemptions", _("普惠核销笔数"), count("redemptions.count")),
    Figure("redemption_value", _("会员优惠金额（元）"), yuan("redemptions.discount_fen")),
    Figure("redemption_union_part", _("其中工会补贴（元）"), yuan("redemptions.union_fen")),
    Figure("hardship_households", _("在档困难职工户"), count("hardship.open")),
    Figure("hardship_new_this_year", _("本年新建档"), this_year("hardship.filed.")),
    Figure("hardship_exited_this_year", _("本年解困脱困"), this_year("hardship.exited.")),
    Figure("congress_unions", _("建立职代会的单位"), count("democracy.congress")),
    rate_figure(
        "congress_rate",
        _("职代会建制率（%）"),
        count("democracy.congress"),
        grassroots_unions,
    ),
    Figure("disclosure_unions", _("实行厂务公开的单位"), count("democracy.disclosure")),
    rate_figure(
        "disclosure_rate",
        _("厂务公开建制率（%）"),
        count("democracy.disclosure"),
        grassroots_unions,
    ),
    Figure("appeals", _("受理诉求"), count("appeals.total")),
    Figure("appeals_open", _("在办诉求"), count("appeals.open")),
    rate_figure(
        "appeals_on_time_rate",
        _("诉求按时答复率（%）"),
        count("appeals.on_time"),
        count("appeals.replied"),
    ),
    rate_figure(
        "appeals_satisfaction",
        _("诉求满意率（%）"),
        count("appeals.satisfied"),
        count("appeals.rated"),
    ),
    # --- 会费, 工会经费 (governance, helper `dues`): amounts kept in fen by the services ---
    Figure("dues_due", _("应缴会费（元）"), yuan("governance.dues.due_fen")),
    Figure("dues_collected", _("已收会费（元）"), yuan("governance.dues.paid_fen")),
    rate_figure(
        "dues_collection_rate",
        _("会费收缴率（%）"),
        count("governance.dues.paid_fen"),
        count("governance.dues.due_fen"),
    ),
    Figure("funds_due", _("应拨缴工会经费（元）"), yuan("governance.funds.due_fen")),
    Figure("funds_received", _("已收工会经费（元）"), yuan("governance.funds.received_fen")),
    rate_figure(
        "funds_collection_rate",
        _("工会经费收缴率（%）"),
        count("governance.funds.received_fen"),
        count("governance.funds.due_fen"),
    ),
)


def terms_overdue(c: Counters, today: dt.date) -> int:
    """Main committees whose next election fell due in a month before this one."""
    month = f"governance.due.{today:%Y-%m}"
    return sum(v for k, v in c.items() if k.startswith("governance.due.") and k < month)


FIGURES += (
    Figure("committee_unions", _("委员会在任的工会"), count("governance.committee.main")),
    Figure(
        "committee_rate",
        _("基层工会委员会在任率（%）"),
        lambda c, today: percent(
            c.get("governance.committee.main", 0), grassroots_unions(c, today)
        ),
        rate=True,
    ),
    Figure("audit_committee_unions", _("设经审委员会的工会"), count("governance.committee.audit")),
    Figure(
        "women_committee_unions", _("设女职工委员会的工会"), count("governance.committee.women")
    ),
    Figure("terms_overdue", _("逾期未换届的委员会"), terms_overdue),
    Figure("elections_open", _("换届进行中的工会"), count("governance.election.open")),
    Figure("elections_this_year", _("本年完成换届"), this_year("governance.elections.")),
    Figure("formations_approved", _("批准建会"), count("governance.formation.approved")),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)


def household_figures(counters: Counters) -> dict[str, int]:
    """Members by 户籍类型: one figure per dictionary code present."""
    return {
        k.removeprefix("members.household."): v
        for k, v in sorted(counters.items())
        if k.startswith("members.household.")
    }


def compute(counters: Counters, today: dt.date) -> dict[str, int | Decimal | None]:
    return {f.key: f.compute(counters, today) for f in FIGURES}


def fractions(counters: Counters, today: dt.date) -> dict[str, tuple[int, int]]:
    """Each rate's numerator and denominator, by figure key."""
    return {
        f.key: (f.parts[0](counters, today), f.parts[1](counters, today))
        for f in FIGURES
        if f.parts is not None
    }
