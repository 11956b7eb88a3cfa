"""Members' phone pages under /m/governance/."""

from django.urls import path

from gonghui.governance.phone import dues as phone_dues
from gonghui.governance.phone import views as phone_views

app_name = "governance_m"
urlpatterns = [
    path("", phone_views.home, name="home"),
    # --- dues (会费 history, receipts) phone pages go below this line ---
    path("dues/", phone_dues.my_dues, name="dues"),
    path("dues/receipt/<int:pk>/", phone_dues.my_receipt, name="dues_receipt"),
]
