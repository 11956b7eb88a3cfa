"""Members' phone pages under /m/assistance/."""

from django.urls import URLPattern

app_name = "assistance_m"
urlpatterns: list[URLPattern] = []
