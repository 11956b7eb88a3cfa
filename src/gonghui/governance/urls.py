"""Officers' pages."""

from django.urls import path

from gonghui.governance.views import committees as views
from gonghui.governance.views import elections as election_views
from gonghui.governance.views import formation as formation_views

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
]
