"""Pages and API of the benefits module: the officer's back office, the counter, the member side."""

from __future__ import annotations

import json
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from gonghui.benefits.models import Complaint, Merchant, Offer, Redemption
from gonghui.benefits.services import merchants as services
from gonghui.core.registry import todo_items
from gonghui.members.services.cards import card_code, card_token
from tests.conftest import Cast, fresh
from tests.factories import TODAY, approved_offer, card_of, make_uscc, members, signed_merchant


def login(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_officer_onboards_signs_and_approves(cast: Cast) -> None:
    client = login(cast.grassroots_officer)
    response = client.post(
        reverse("benefits:merchant_new"),
        {
            "name": "东区新商户",
            "uscc": "123",
            "category": "food",
            "address": "东区路",
            "region_code": "410105",
            "contact_name": "李",
            "contact_phone": "13700001111",
            "agreement_start": "2026-01-01",
            "agreement_end": "2027-01-01",
        },
    )
    assert response.status_code == 200 and "统一社会信用代码应为18位" in response.content.decode()
    data = {
        "name": "东区新商户",
        "uscc": make_uscc("92", "410105"),
        "category": "food",
        "address": "东区路",
        "region_code": "410105",
        "contact_name": "李",
        "contact_phone": "13700001111",
        "agreement_start": "2026-01-01",
        "agreement_end": f"{TODAY.year + 1}-12-31",
    }
    response = client.post(reverse("benefits:merchant_new"), data)
    merchant = Merchant.objects.get(name="东区新商户")
    assert response.status_code == 302 and merchant.status == "pending"
    assert merchant.contact_phone == "13700001111" and merchant.masked_phone == "137******11"
    client.post(reverse("benefits:merchant_action", args=[merchant.pk, "sign"]))
    merchant.refresh_from_db()
    assert merchant.status == "signed" and merchant.history.count() == 1
    page = client.get(merchant.get_absolute_url()).content.decode()
    assert "137******11" in page and "13700001111" not in page
    plaque = client.get(reverse("benefits:merchant_plaque", args=[merchant.pk]))
    assert plaque.status_code == 200 and b"<svg" in plaque.content
    response = client.post(
        reverse("benefits:offer_new", args=[merchant.pk]),
        {
            "title": "东区新优惠",
            "kind": "percent",
            "value": "10",
            "min_bill": "0",
            "valid_from": "2026-01-01",
            "valid_until": f"{TODAY.year + 1}-12-31",
            "per_member_daily": "1",
            "per_member_total": "0",
            "quota": "10",
            "budget": "100",
            "union_share": "0",
        },
    )
    offer = Offer.objects.get(title="东区新优惠")
    assert response.status_code == 302 and offer.status == "pending"
    member_client = login(cast.member)
    assert "东区新优惠" not in member_client.get(reverse("benefits_m:offers")).content.decode()
    client.post(reverse("benefits:offer_action", args=[offer.pk, "approve"]))
    assert "东区新优惠" in member_client.get(reverse("benefits_m:offers")).content.decode()
    for name in ("offer_list", "campaign_list", "redemption_list", "complaint_list", "report"):
        assert client.get(reverse(f"benefits:{name}")).status_code == 200, name


def test_counter_pages_verify_and_redeem_once(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    number = card_of(member)
    client = login(cast.merchant)
    home = client.get("/shop/")
    assert home.status_code == 200 and merchant.name in home.content.decode()
    page = client.post(reverse("benefits_shop:verify"), {"card_no": number, "code": "123"})
    assert "动态码应为6位数字" in page.content.decode()
    page = client.post(reverse("benefits_shop:verify"), {"token": card_token(number)})
    text = page.content.decode()
    assert "会**" in text and offer.title in text and "东方机械有限公司工会委员会" in text
    form = {
        "token": card_token(number),
        "card_no": "",
        "code": "",
        "offer": offer.pk,
        "key": "page-key-00000001",
        "bill_amount": "35.50",
    }
    first = client.post(reverse("benefits_shop:redeem"), form).content.decode()
    again = client.post(reverse("benefits_shop:redeem"), form).content.decode()
    assert "核销成功" in first and "核销成功" in again
    assert Redemption.objects.get().paid_amount == Decimal("25.50")


def test_member_pages_and_complaint(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    member.account = cast.member
    member.save(update_fields=["account"])
    client = login(fresh(cast.member))
    assert "普惠优惠" in client.get("/m/").content.decode()  # the member tile
    assert merchant.name in client.get(reverse("benefits_m:offers")).content.decode()
    detail = client.get(reverse("benefits_m:merchant", args=[merchant.pk]))
    assert detail.status_code == 200
    url = reverse("benefits_m:complain", args=[merchant.pk])
    assert client.post(url, {"content": "收银员拒绝会员卡优惠"}).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.org_path == merchant.org_path
    assert "收银员拒绝" in client.get(reverse("benefits_m:mine")).content.decode()
    officer = login(cast.grassroots_officer)
    assert "收银员拒绝" in officer.get(reverse("benefits:complaint_list")).content.decode()
    sibling = login(cast.sibling_officer)
    assert "收银员拒绝" not in sibling.get(reverse("benefits:complaint_list")).content.decode()


def test_api_verify_and_idempotent_redemption(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant)
    (member,) = members(cast, 1)
    number = card_of(member)
    client = login(cast.merchant)
    offers = client.get("/api/offers?category=shopping").json()
    assert [o["id"] for o in offers] == [offer.pk]
    verified = client.post(
        "/api/shop/verify",
        json.dumps({"card_no": number, "code": card_code(number)}),
        content_type="application/json",
    ).json()
    assert verified["valid"] and verified["offers"][0]["id"] == offer.pk
    body = json.dumps({"token": card_token(number), "offer_id": offer.pk, "bill_amount": "20"})
    headers = {"HTTP_IDEMPOTENCY_KEY": "api-key-000000001"}
    first = client.post("/api/redemptions", body, content_type="application/json", **headers)
    again = client.post("/api/redemptions", body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["discount"] == "10.00"
    refused = client.post(
        "/api/redemptions",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-key-000000002",
    )
    assert refused.status_code == 409 and "每人每日" in refused.json()["detail"]
    assert refused.json()["code"] == "limit"
    officer = login(cast.grassroots_officer)
    assert (
        officer.post("/api/shop/verify", "{}", content_type="application/json").status_code == 403
    )


def test_reports_settlement_and_todo(cast: Cast) -> None:
    merchant = signed_merchant(cast)
    offer = approved_offer(cast, merchant, union_share=30)
    people = members(cast, 2, migrant_worker=True)
    from gonghui.benefits.services import shop as counter

    for i, m in enumerate(people):
        counter.redemption_create(
            actor=fresh(cast.merchant),
            offer_id=offer.pk,
            bill_amount=Decimal("100"),
            client_key=f"report-{i:05d}",
            token=card_token(card_of(m)),
        )
    client = login(cast.county_officer)
    page = client.get(reverse("benefits:report")).content.decode()
    assert "农民工" in page and "1000.0" in page  # 2 redemptions by 2 migrant members
    settle = client.get(reverse("benefits:settlement")).content.decode()
    assert "6.00" in settle and "14.00" in settle  # union 30 % of 20, merchant the rest
    xlsx = client.get(reverse("benefits:settlement") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith(".xlsx")
    services.merchant_renew(
        actor=fresh(cast.grassroots_officer), merchant=merchant, agreement_end=TODAY
    )
    titles = [str(i.title) for i in todo_items(fresh(cast.grassroots_officer))]
    assert any("协议即将到期" in t for t in titles), titles


def test_union_with_signed_merchants_cannot_be_dissolved(cast: Cast) -> None:
    from gonghui.core.registry import dissolve_obstacles

    signed_merchant(cast)
    assert any("普惠商户" in reason for reason in dissolve_obstacles(cast.grassroots))
