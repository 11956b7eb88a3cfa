"""The demo seed gives the benefits module something to show (and the to-do panel an item)."""

from __future__ import annotations

import time

import pytest

from gonghui.accounts.models import User
from gonghui.benefits.models import Complaint, Merchant, MerchantStaff, Offer, Redemption
from gonghui.core.workflow import history_of
from gonghui.demo import generator


@pytest.mark.django_db
def test_demo_seeds_merchants_offers_and_redemptions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "DEMO_MEMBERS", 300)
    timings: dict[str, float] = {}
    from gonghui.benefits import demo

    original = demo.seed

    def timed(builder: object) -> None:
        start = time.perf_counter()
        original(builder)
        timings["benefits"] = time.perf_counter() - start

    monkeypatch.setattr(demo, "seed", timed)
    generator.seed_demo(seed=11)
    assert Merchant.objects.filter(status="signed").count() >= 6
    assert MerchantStaff.objects.filter(user=User.objects.get(username="shop01")).exists()
    assert Offer.objects.filter(status="pending").exists()
    assert Redemption.objects.count() >= 15
    # the union's complaint queue has one to answer, and one answered shows the trail
    complaints = Complaint.objects.unscoped(reason="test")
    assert sorted(complaints.values_list("status", flat=True)) == ["handled", "open"]
    assert history_of(complaints.get(status="handled")).get().actor.username == "jbl_chair"
    assert timings["benefits"] < 3
    pages = {
        "js_admin": [
            "/benefits/",
            "/benefits/offers/",
            "/benefits/report/",
            "/benefits/settlement/",
            f"/benefits/merchants/{Merchant.objects.first().pk}/",  # type: ignore[union-attr]
            "/",
        ],
        "shop01": ["/shop/"],
        "member01": ["/m/benefits/", "/m/benefits/mine/"],
    }
    from django.test import Client

    for username, urls in pages.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
    home = Client()
    home.force_login(User.objects.get(username="jbl_chair"))
    assert "协议即将到期" in home.get("/").content.decode()
    mine = Client()
    mine.force_login(User.objects.get(username="member01"))
    assert "金水惠民超市" in mine.get("/m/benefits/").content.decode()
