from django.urls import path

from kmb.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("staff/", views.user_list, name="user-list"),
    path("staff/new/", views.user_create, name="user-create"),
    path("staff/<int:pk>/", views.user_detail, name="user-detail"),
    path("staff/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path(
        "staff/<int:pk>/send-password-link/",
        views.user_send_password_link,
        name="user-send-password-link",
    ),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
]
