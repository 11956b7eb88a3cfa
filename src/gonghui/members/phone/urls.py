"""Members' phone pages under /m/ (the card, activation, profile, history, applications)."""

from django.urls import path

from gonghui.members.phone import views

app_name = "members_m"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PhoneLoginView.as_view(), name="login"),
    path("activate/", views.activate, name="activate"),
    path("activate/code/", views.activate_code, name="activate_code"),
    path("privacy/", views.privacy, name="privacy"),
    path("card/", views.card, name="card"),
    path("card/live/", views.card_live, name="card_live"),
    path("card/print/", views.card_print, name="card_print"),
    path("card/lost/", views.card_lost, name="card_lost"),
    path("profile/", views.profile, name="profile"),
    path("profile/correct/", views.correction_new, name="correction_new"),
    path("history/", views.history, name="history"),
    path("join/", views.join, name="join"),
]
