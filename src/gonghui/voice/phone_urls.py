"""Members' phone pages under /m/voice/."""

from django.urls import URLPattern

app_name = "voice_m"
urlpatterns: list[URLPattern] = []
