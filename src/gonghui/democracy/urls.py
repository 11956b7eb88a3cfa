"""Officers' pages."""

from django.urls import path

from gonghui.democracy.views import ballots as ballot_views
from gonghui.democracy.views import congress as views
from gonghui.democracy.views import disclosure as views_disclosure
from gonghui.democracy.views import motions as views_motions

app_name = "democracy"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.congress_create, name="congress_create"),
    path("rule/", views.rule_edit, name="rule"),
    path("<int:pk>/", views.congress_detail, name="congress_detail"),
    path("<int:pk>/add/<str:what>/", views.congress_add, name="congress_add"),
    path("delegates/<int:pk>/leave/", views.delegate_leave, name="delegate_leave"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/quorum/", views.session_quorum, name="session_quorum"),
    path("sessions/<int:pk>/scan/", views.session_scan, name="session_scan"),
    path("sessions/<int:pk>/report/", views.session_report, name="session_report"),
    path(
        "sessions/<int:pk>/checkin/<int:delegate>/", views.session_checkin, name="session_checkin"
    ),
    path("sessions/<int:pk>/leave/<int:delegate>/", views.session_leave, name="session_leave"),
    path("sessions/<int:pk>/do/<str:action>/", views.session_action, name="session_action"),
    path("motions/", views_motions.motion_list, name="motion_list"),
    path("motions/<int:pk>/", views_motions.motion_detail, name="motion_detail"),
    path("motions/<int:pk>/do/<str:action>/", views_motions.motion_action, name="motion_action"),
    path("reports/", views_motions.reports, name="reports"),
    path("reports/motions.xlsx", views_motions.motion_export, name="motion_export"),
    path("disclosure/", views_disclosure.plan_list, name="plan_list"),
    path("disclosure/new/", views_disclosure.plan_create, name="plan_create"),
    path("disclosure/plans/<int:pk>/", views_disclosure.plan_detail, name="plan_detail"),
    path("disclosure/plans/<int:pk>/add/", views_disclosure.item_add, name="item_add"),
    path("disclosure/plans/<int:pk>/board/", views_disclosure.plan_board, name="plan_board"),
    path("disclosure/items/<int:pk>/", views_disclosure.item_detail, name="item_detail"),
    path("disclosure/items/<int:pk>/publish/", views_disclosure.item_publish, name="item_publish"),
    path(
        "disclosure/questions/<int:pk>/answer/",
        views_disclosure.question_answer,
        name="question_answer",
    ),
    # Secret ballots (ballot_views.py, ADR 0011).
    path("ballots/", ballot_views.ballot_list, name="ballot_list"),
    path("ballots/rule/", ballot_views.ballot_rule, name="ballot_rule"),
    path("ballots/new/", ballot_views.ballot_create_org, name="ballot_create_org"),
    path("sessions/<int:pk>/ballots/new/", ballot_views.ballot_create, name="ballot_create"),
    path("ballots/<int:pk>/", ballot_views.ballot_detail, name="ballot_detail"),
    path("ballots/<int:pk>/add/", ballot_views.ballot_option_add, name="ballot_option_add"),
    path("ballots/<int:pk>/tellers/", ballot_views.ballot_tellers, name="ballot_tellers"),
    path("ballots/<int:pk>/open/", ballot_views.ballot_open, name="ballot_open"),
    path("ballots/<int:pk>/tally/", ballot_views.ballot_tally, name="ballot_tally"),
    path("ballots/<int:pk>/do/<str:action>/", ballot_views.ballot_action, name="ballot_action"),
    path("ballots/<int:pk>/paper/", ballot_views.ballot_paper, name="ballot_paper"),
    path("ballots/<int:pk>/sheet/", ballot_views.ballot_sheet, name="ballot_sheet"),
]
