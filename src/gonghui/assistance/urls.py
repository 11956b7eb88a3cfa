"""Officers' pages."""

from django.urls import path

from gonghui.assistance.views import cases as views
from gonghui.assistance.views import funds as views_funds

app_name = "assistance"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export/", views.case_export, name="export"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/step/<str:action>/", views.case_step, name="step"),
    path("<int:pk>/override/", views.case_override, name="override"),
    path("<int:pk>/objection/", views.case_objection, name="objection"),
    path("<int:pk>/income/", views.case_income, name="income"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/person/", views.case_person, name="person"),
    path("<int:pk>/income-source/", views.case_income_source, name="income_source"),
    path("<int:pk>/attach/", views.case_attach, name="attach"),
    path("<int:pk>/reveal/<str:field>/", views.case_reveal, name="reveal"),
    path("<int:pk>/record/", views.case_record, name="record"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("rules/", views_funds.rule_list, name="rules"),
    path("funds/", views_funds.fund_list, name="funds"),
    path("funds/<int:pk>/", views_funds.fund_detail, name="fund"),
    path("funds/<int:pk>/bank/", views_funds.bank_file, name="bank_file"),
    path("funds/<int:pk>/sign-sheet/", views_funds.sign_sheet, name="sign_sheet"),
    path("funds/<int:pk>/export/", views_funds.fund_export, name="fund_export"),
    path("records/<int:pk>/<str:action>/", views_funds.record_action, name="record_action"),
    path("campaigns/", views_funds.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views_funds.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/allot/", views_funds.campaign_allot, name="allot"),
    path("campaigns/<int:pk>/records/", views_funds.campaign_record, name="campaign_record"),
    path("campaigns/<int:pk>/students/", views_funds.student_create, name="student_create"),
    path("students/<int:pk>/pay/", views_funds.student_pay, name="student_pay"),
    path("students/<int:pk>/approve/", views_funds.student_approve, name="student_approve"),
    path("students/<int:pk>/refuse/", views_funds.student_refuse, name="student_refuse"),
    path("civil/", views_funds.civil_list, name="civil_lists"),
    path("civil/<int:pk>/", views_funds.civil_detail, name="civil"),
    path("reviews/", views_funds.review_list, name="reviews"),
    path("reviews/<int:pk>/", views_funds.review_detail, name="review"),
    path("review-items/<int:pk>/", views_funds.review_item, name="review_item"),
    path("reports/", views_funds.report, name="report"),
]
