"""Members' phone pages under /m/democracy/."""

from django.urls import URLPattern

app_name = "democracy_m"
urlpatterns: list[URLPattern] = []
