"""How the benefits module takes part in the union tree's lifecycle (core.registry): a union with
signed merchants may not be dissolved; merging unions carries merchants, their offers, campaigns,
redemptions and complaints to the surviving union."""

from __future__ import annotations

from django.utils.translation import ngettext

from gonghui.benefits import counters as benefit_counters
from gonghui.benefits.models import (
    Campaign,
    Complaint,
    Merchant,
    MerchantStatus,
    Offer,
    Redemption,
)
from gonghui.core.scoping import Actor
from gonghui.orgs.models import Org


def benefits_dissolve_guard(org: Org) -> list[str]:
    count = Merchant.objects.filter(
        org=org, status__in=[MerchantStatus.SIGNED, MerchantStatus.SUSPENDED]
    ).count()
    if not count:
        return []
    return [
        ngettext(
            "仍有%(n)d家签约普惠商户，请先终止合作或移交",
            "仍有%(n)d家签约普惠商户，请先终止合作或移交",
            count,
        )
        % {"n": count}
    ]


def benefits_merge(*, source: Org, target: Org, actor: Actor) -> None:
    merchants = Merchant.objects.filter(org=source)
    ids = list(merchants.values_list("pk", flat=True))
    merchants.update(org=target, org_path=target.path)
    Offer.objects.filter(merchant_id__in=ids).update(org_path=target.path)
    Redemption.objects.filter(merchant_id__in=ids).update(org_path=target.path)
    Complaint.objects.filter(merchant_id__in=ids).update(org_path=target.path)
    Redemption.objects.filter(member_path=source.path).update(member_path=target.path)
    Campaign.objects.filter(org=source).update(org=target, org_path=target.path)
    benefit_counters.recount_after_merge([source.path, target.path])
