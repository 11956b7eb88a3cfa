"""Officers' pages of the honours app, mounted at /honors/."""

from django.urls import path

from gonghui.honors.views import care as views_care
from gonghui.honors.views import revocations as views_revocations
from gonghui.honors.views import studios as views_studios
from gonghui.honors.views import terms as views_terms

app_name = "honors"
urlpatterns = [
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
