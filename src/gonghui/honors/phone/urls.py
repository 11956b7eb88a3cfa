"""Members' phone pages under /m/honors/."""

from django.urls import path

from gonghui.honors.phone import views

app_name = "honors_m"
urlpatterns = [
    # --- aftercare (hon2) ---
    path("care/", views.my_care, name="my_care"),
]
