"""Officers' pages."""

from django.urls import path

from gonghui.governance.views import audits as audit_views
from gonghui.governance.views import committees as views
from gonghui.governance.views import dues as dues_views
from gonghui.governance.views import elections as election_views
from gonghui.governance.views import formation as formation_views
from gonghui.governance.views import funds as funds_views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("committees/new/", views.committee_new, name="committee_new"),
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
    path("committees/<int:pk>/seats/", views.seat_add, name="seat_add"),
    path("committees/<int:pk>/postpone/", views.postpone, name="postpone"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("formation/", formation_views.formation_page, name="formation"),
    path(
        "formation/<int:pk>/approve/", formation_views.formation_approve, name="formation_approve"
    ),
    path("elections/request/", election_views.election_request, name="election_request"),
    path("elections/<int:pk>/", election_views.election_detail, name="election"),
    path(
        "elections/<int:pk>/<str:action>/", election_views.election_action, name="election_action"
    ),
    # --- dues (会费, 经费, 经审) pages go below this line ---
    path("dues/", dues_views.dues_home, name="dues"),
    path("dues/member/<int:pk>/", dues_views.dues_member, name="dues_member"),
    path("dues/<int:pk>/wage/", dues_views.dues_reveal, name="dues_reveal"),
    path("dues/receipt/<int:pk>/", dues_views.dues_receipt, name="dues_receipt"),
    path("dues/import/", dues_views.dues_import, name="dues_import"),
    path("dues/import/template/", dues_views.dues_template, name="dues_template"),
    path("funds/", funds_views.funds_home, name="funds"),
    path("funds/<int:pk>/", funds_views.funds_month, name="funds_month"),
    path("funds/employer/<int:pk>/remind/", funds_views.funds_remind, name="funds_remind"),
    path("funds/reminder/<int:pk>/", funds_views.funds_reminder, name="funds_reminder"),
    path("funds/import/", funds_views.funds_import, name="funds_import"),
    path("funds/import/template/", funds_views.funds_template, name="funds_template"),
    path("audits/", audit_views.review_list, name="reviews"),
    path("audits/<int:pk>/", audit_views.review_detail, name="review"),
    path("audits/<int:pk>/report/", audit_views.review_print, name="review_print"),
    path("audits/<str:kind>/<int:pk>/", audit_views.review_item, name="review_item"),
]
