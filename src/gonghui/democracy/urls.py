"""Officers' pages."""

from django.urls import URLPattern

app_name = "democracy"
urlpatterns: list[URLPattern] = []
