"""Officers' pages of the honours app, mounted at /honors/."""

from django.urls import path

from gonghui.honors.views import roster as views_roster
from gonghui.honors.views import selection as views

app_name = "honors"
urlpatterns = [
    # --- selection engine and roster (hon) ---
    path("", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/composition/", views.call_composition, name="composition"),
    path("calls/<int:pk>/quota/", views.call_quota, name="quota"),
    path("calls/<int:pk>/step/<str:action>/", views.call_step, name="call_step"),
    path("calls/<int:pk>/submit/", views.call_submit, name="submit"),
    path("calls/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("calls/<int:pk>/publicity/", views.call_publicity_print, name="publicity_print"),
    path("calls/<int:pk>/certificates/", views.call_certificates, name="certificates"),
    path("calls/<int:pk>/board/", views.call_board, name="board"),
    path("calls/<int:pk>/export/", views.call_export, name="export"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/consult/", views.nomination_consult, name="consult"),
    path("nominations/<int:pk>/evidence/", views.nomination_evidence, name="evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="answer"),
    path("catalogue/", views_roster.catalogue, name="catalogue"),
    path("roster/", views_roster.roster, name="roster"),
    path("roster/export/", views_roster.roster_export, name="roster_export"),
    path("roster/<int:pk>/", views_roster.honour_detail, name="honour"),
    # --- aftercare (hon2) appends below ---
]
