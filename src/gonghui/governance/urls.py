"""Officers' pages."""

from django.urls import path

from gonghui.governance.views import committees as views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    # --- dues (会费, 经费, 经审) pages go below this line ---
]
