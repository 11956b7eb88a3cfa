"""Officers' pages."""

from django.urls import URLPattern

app_name = "assistance"
urlpatterns: list[URLPattern] = []
