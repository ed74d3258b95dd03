from django.urls import path

from kmb.territory import views

app_name = "territory"

urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipality-list"),
    path("municipalities/new/", views.municipality_create, name="municipality-create"),
    path("municipalities/<int:pk>/edit/", views.municipality_edit, name="municipality-edit"),
]
