"""Officers' pages."""

from django.urls import path

from gonghui.voice.views import appeals as views
from gonghui.voice.views import proposals as views_proposals

app_name = "voice"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_enter, name="enter"),
    path("report/", views.report, name="report"),
    path("proposals/", views_proposals.proposal_list, name="proposal_list"),
    path("proposals/new/", views_proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views_proposals.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:pk>/<str:action>/",
        views_proposals.proposal_action,
        name="proposal_action",
    ),
    path("campaigns/", views_proposals.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views_proposals.campaign_detail, name="campaign_detail"),
    path("forums/", views_proposals.forum_list, name="forum_list"),
    path("forums/<int:pk>/", views_proposals.forum_detail, name="forum_detail"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/letter/", views.reply_letter, name="reply_letter"),
    path("<int:pk>/files/<int:fid>/", views.attachment, name="attachment"),
    path("<int:pk>/<str:action>/", views.appeal_action, name="action"),
]
