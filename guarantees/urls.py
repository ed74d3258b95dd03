from django.urls import path

from guarantees import views

app_name = "guarantees"

urlpatterns = [
    path("", views.guarantee_list, name="guarantee-list"),
    path("funds/", views.fund_list, name="fund-list"),
    path("funds/new/", views.fund_create, name="fund-create"),
    path("funds/<int:pk>/", views.fund_detail, name="fund-detail"),
    path(
        "funds/<int:pk>/contributions/new/", views.contribution_create, name="contribution-create"
    ),
    path("leases/<int:pk>/guarantees/new/", views.guarantee_create, name="guarantee-create"),
    path("<int:pk>/", views.guarantee_detail, name="guarantee-detail"),
    path("<int:pk>/edit/", views.guarantee_edit, name="guarantee-edit"),
    path("<int:pk>/claims/new/", views.claim_create, name="claim-create"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim-decide"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim-pay"),
]
