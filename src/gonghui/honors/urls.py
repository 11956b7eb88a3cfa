"""Officers' pages of the honours app, mounted at /honors/."""

from django.urls import path

from gonghui.honors.views import care as views_care
from gonghui.honors.views import revocations as views_revocations
from gonghui.honors.views import roster as views_roster
from gonghui.honors.views import selection as views
from gonghui.honors.views import studios as views_studios
from gonghui.honors.views import terms as views_terms

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
    path("aftercare/<int:pk>/", views_terms.honour_aftercare, name="aftercare"),
    path("aftercare/<int:pk>/assess/", views_terms.assessment_open, name="assess"),
    path("aftercare/<int:pk>/confirm/", views_terms.term_confirm, name="term_confirm"),
    path("aftercare/<int:pk>/lapse/", views_terms.term_lapse, name="term_lapse"),
    path("aftercare/<int:pk>/propose/", views_revocations.revocation_propose, name="propose"),
    path("aftercare/<int:pk>/care/", views_care.care_record_add, name="care_add"),
    path("aftercare/<int:pk>/profile/", views_care.care_profile_save, name="care_profile"),
    path("revocations/", views_revocations.revocation_list, name="revocation_list"),
    path("revocations/<int:pk>/", views_revocations.revocation_detail, name="revocation"),
    path("allowances/", views_care.allowance_list, name="allowance_list"),
    path("allowances/pay/", views_care.allowance_pay_month, name="allowance_pay"),
    path("allowances/bank/<int:pk>/", views_care.care_bank_file, name="care_bank_file"),
    path("greetings/", views_care.greetings, name="greetings"),
    path("studios/", views_studios.studio_list, name="studio_list"),
    path("studios/<int:pk>/", views_studios.studio_detail, name="studio"),
]
