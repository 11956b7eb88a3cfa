"""Members' phone pages under /m/assistance/."""

from django.urls import path

from gonghui.assistance.phone import views as phone_views

app_name = "assistance_m"
urlpatterns = [
    path("", phone_views.home, name="home"),
    path("<int:pk>/", phone_views.detail, name="detail"),
    path("<int:pk>/upload/", phone_views.upload, name="upload"),
]
