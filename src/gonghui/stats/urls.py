from django.urls import path

from gonghui.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<str:code>/", views.dashboard, name="org"),
]
