from django.urls import path

from gonghui.members.views import imports as import_views
from gonghui.members.views import members as views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_register, name="register"),
    path("batch/", views.member_batch, name="batch"),
    path("export/", import_views.export_members, name="export"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("import/<str:code>/", import_views.import_members, name="import"),
    path("applications/", views.application_list, name="applications"),
    path(
        "applications/<int:pk>/<str:decision>/", views.application_decide, name="application_decide"
    ),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/letter/", views.transfer_letter, name="transfer_letter"),
    path("transfers/<int:pk>/<str:decision>/", views.transfer_decide, name="transfer_decide"),
    path("roster/<str:code>/", views.roster, name="roster"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/reveal/<str:field>/", views.member_reveal, name="reveal"),
    path("<int:pk>/status/", views.member_status, name="status"),
    path("<int:pk>/card/", views.member_card_replace, name="card_replace"),
    path("<int:pk>/transfer/", views.transfer_issue, name="transfer_issue"),
]
