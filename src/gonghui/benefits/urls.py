"""Officers' pages under /benefits/."""

from django.urls import path

from gonghui.benefits.views import merchants as views
from gonghui.benefits.views import reports as report_views

app_name = "benefits"
urlpatterns = [
    path("", views.merchant_list, name="merchant_list"),
    path("merchants/new/", views.merchant_new, name="merchant_new"),
    path("merchants/<int:pk>/", views.merchant_detail, name="merchant_detail"),
    path("merchants/<int:pk>/plaque/", views.merchant_plaque, name="merchant_plaque"),
    path("merchants/<int:pk>/offers/new/", views.offer_new, name="offer_new"),
    path("merchants/<int:pk>/<str:action>/", views.merchant_action, name="merchant_action"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/<str:action>/", views.offer_action, name="offer_action"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("redemptions/", views.redemption_list, name="redemption_list"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/handle/", views.complaint_handle, name="complaint_handle"),
    path("report/", report_views.report, name="report"),
    path("settlement/", report_views.settlement, name="settlement"),
]
