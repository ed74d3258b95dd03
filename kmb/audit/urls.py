from django.urls import path

from kmb.audit import views

app_name = "audit"

urlpatterns = [
    path("access-log/", views.access_log, name="access-log"),
    path("history/", views.history, name="history"),
    path("history/<str:model>/<int:history_id>/", views.history_detail, name="history-detail"),
]
