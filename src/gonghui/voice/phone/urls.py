"""Members' phone pages under /m/voice/."""

from django.urls import path

from gonghui.voice.phone import views as phone_views

app_name = "voice_m"
urlpatterns = [
    path("", phone_views.my_list, name="list"),
    path("new/", phone_views.submit, name="submit"),
    path("follow/", phone_views.follow, name="follow"),
    path("follow/<str:action>/", phone_views.follow_action, name="follow_action"),
    path("proposals/new/", phone_views.proposal_submit, name="proposal_submit"),
    path("<int:pk>/", phone_views.my_detail, name="detail"),
    path("<int:pk>/<str:action>/", phone_views.my_action, name="action"),
]
