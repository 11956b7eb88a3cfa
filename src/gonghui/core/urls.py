from django.urls import path

from gonghui.core import (
    calendar_views,
    inbox_views,
    job_views,
    observability,
    ops_views,
    schedule_views,
    views,
)

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit_list"),
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("system/queue/", ops_views.queue_page, name="queue"),
    path("system/queue/<str:task_id>/retry/", ops_views.queue_retry, name="queue_retry"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", inbox_views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", inbox_views.inbox_read_all, name="inbox_read_all"),
    path("calendar/", calendar_views.calendar_list, name="calendar_list"),
    path("calendar/<int:year>/", calendar_views.calendar_edit, name="calendar_edit"),
    path("schedule/", schedule_views.schedule, name="schedule"),
    path("schedule/<str:name>/", schedule_views.schedule_job, name="schedule_job"),
    path("schedule/<str:name>/run/", schedule_views.schedule_run, name="schedule_run"),
    path("jobs/import/<int:pk>/", job_views.import_job, name="import_job"),
    path("jobs/import/<int:pk>/errors/", job_views.import_job_errors, name="import_job_errors"),
    path("jobs/export/<int:pk>/", job_views.export_job, name="export_job"),
    path(
        "jobs/export/<int:pk>/download/", job_views.export_job_download, name="export_job_download"
    ),
]
