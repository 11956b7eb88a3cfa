"""Members' phone pages under /m/ (the card, activation, profile, history, applications)."""

from django.urls import URLPattern

app_name = "members_m"
urlpatterns: list[URLPattern] = []
