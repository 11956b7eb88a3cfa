from django.contrib.auth import views as auth_views
from django.urls import path

from gonghui.accounts.views import accounts as views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("activate/<str:token>/", views.activate, name="activate"),
    path("switch/", views.switch_post, name="switch_post"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_create, name="officer_create"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/<str:action>/", views.officer_action, name="officer_action"),
    path("posts/<int:pk>/end/", views.post_end, name="post_end"),
    path("capabilities/", views.capability_matrix, name="capability_matrix"),
]
