"""Members' phone pages under /m/democracy/."""

from django.urls import path

from gonghui.democracy.phone import views as phone_views
from gonghui.democracy.views import ballots as ballot_views

app_name = "democracy_m"
urlpatterns = [
    path("", phone_views.home, name="home"),
    path("motions/new/", phone_views.motion_new, name="motion_new"),
    path("motions/<int:pk>/", phone_views.motion_detail, name="motion"),
    path("motions/<int:pk>/do/<str:action>/", phone_views.motion_action, name="motion_action"),
    path("sessions/<int:pk>/checkin/", phone_views.checkin, name="checkin"),
    path("disclosures/<int:pk>/", phone_views.disclosure_detail, name="disclosure"),
    path(
        "disclosures/<int:pk>/do/<str:action>/",
        phone_views.disclosure_action,
        name="disclosure_action",
    ),
    path("ballots/", ballot_views.m_ballots, name="ballots"),
    path("ballots/<int:pk>/", ballot_views.m_ballot, name="ballot"),
    path("ballots/<int:pk>/published/", ballot_views.m_ballot_published, name="ballot_published"),
]
