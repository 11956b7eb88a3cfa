"""Members' phone pages under /m/benefits/."""

from django.urls import path

from gonghui.benefits.phone import views as phone_views

app_name = "benefits_m"
urlpatterns = [
    path("", phone_views.offers, name="offers"),
    path("mine/", phone_views.mine, name="mine"),
    path("merchants/<int:pk>/", phone_views.merchant, name="merchant"),
    path("merchants/<int:pk>/complain/", phone_views.complain, name="complain"),
    path("campaigns/<int:pk>/signup/", phone_views.signup, name="signup"),
]
