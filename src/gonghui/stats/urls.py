from django.urls import path

from gonghui.stats.views import dashboard as views
from gonghui.stats.views import reports as report_views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", report_views.period_list, name="periods"),
    path("reports/<int:year>/<str:code>/", report_views.report_detail, name="report"),
    path(
        "reports/<int:year>/<str:code>/<str:action>/",
        report_views.report_action,
        name="report_action",
    ),
    path("compare/<str:code>/", report_views.compare, name="compare"),
    path("<str:code>/", views.dashboard, name="org"),
]
