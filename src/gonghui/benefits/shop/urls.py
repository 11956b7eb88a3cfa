"""Merchant staff's phone pages under /shop/."""

from django.urls import path

from gonghui.benefits.shop import views as shop_views

app_name = "benefits_shop"
urlpatterns = [
    path("", shop_views.home, name="home"),
    path("verify/", shop_views.verify, name="verify"),
    path("redeem/", shop_views.redeem, name="redeem"),
]
