"""Members' phone pages under /m/honors/."""

from django.urls import path

from gonghui.honors.phone import views as phone_views

app_name = "honors_m"
urlpatterns = [
    # --- 公示 and the member's own honours (hon) ---
    path("", phone_views.home, name="home"),
    path("publicity/<int:pk>/", phone_views.publicity, name="publicity"),
    path("objection/<int:pk>/", phone_views.objection, name="objection"),
    # --- care records (hon2) append below ---
    path("care/", phone_views.my_care, name="my_care"),
]
