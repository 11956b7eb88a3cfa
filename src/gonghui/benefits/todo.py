"""The benefits module on the officer's 待办 panel: agreements that end within the reminder
period (or have ended while the merchant is still 签约), merchants and offers awaiting approval."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.benefits.models import Merchant, MerchantStatus, Offer, OfferStatus
from gonghui.benefits.services.merchants import AGREEMENT_REMIND_DAYS as REMIND_DAYS
from gonghui.core.deadlines import add_calendar_days
from gonghui.core.registry import TodoItem
from gonghui.core.scoping import Viewer, holds_anywhere, scoped

MAX_ITEMS = 10


def _manages_somewhere(viewer: Viewer) -> bool:
    return holds_anywhere(viewer, "benefits.manage")


def pending_work(viewer: Viewer) -> Iterable[TodoItem]:
    if not _manages_somewhere(viewer):
        return
    today = timezone.localdate()
    horizon = add_calendar_days(today, REMIND_DAYS).due
    merchants = scoped(Merchant.objects.all(), viewer)
    expiring = merchants.filter(status=MerchantStatus.SIGNED, agreement_end__lte=horizon).order_by(
        "agreement_end"
    )
    for merchant in expiring[:MAX_ITEMS]:
        ended = merchant.agreement_end < today
        yield TodoItem(
            title=(_("普惠商户%(m)s协议已到期") if ended else _("普惠商户%(m)s协议即将到期"))
            % {"m": merchant.name},
            url=merchant.get_absolute_url(),
            due=merchant.agreement_end.isoformat(),
            overdue=ended,
        )
    waiting = merchants.filter(status=MerchantStatus.PENDING).count()
    if waiting:
        yield TodoItem(
            title=ngettext("%(n)d家普惠商户待签约", "%(n)d家普惠商户待签约", waiting)
            % {"n": waiting},
            url=reverse("benefits:merchant_list") + "?status=pending",
            count=waiting,
        )
    offers = scoped(Offer.objects.filter(status=OfferStatus.PENDING), viewer).count()
    if offers:
        yield TodoItem(
            title=ngettext("%(n)d项优惠待审核", "%(n)d项优惠待审核", offers) % {"n": offers},
            url=reverse("benefits:offer_list") + "?status=pending",
            count=offers,
        )
