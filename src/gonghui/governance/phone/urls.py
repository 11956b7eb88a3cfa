"""Members' phone pages under /m/governance/."""

from django.urls import path

from gonghui.governance.phone import views as phone_views

app_name = "governance_m"
urlpatterns = [
    path("", phone_views.home, name="home"),
    # --- dues (会费 history, receipts) phone pages go below this line ---
]
