"""The officer's side of members' correction requests, under /members/corrections/."""

from django.urls import path

from gonghui.members.views import corrections as views

app_name = "members_corrections"
urlpatterns = [
    path("", views.correction_list, name="list"),
    path("<int:pk>/", views.correction_detail, name="detail"),
    path("<int:pk>/<str:decision>/", views.correction_decide, name="decide"),
]
