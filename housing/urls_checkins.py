"""URLs of the checkins pages (part of the housing namespace, see housing/urls.py)."""

from django.urls import path

from housing.views import checkins

urlpatterns = [
    path("checkins/", checkins.checkin_list, name="checkin-list"),
    path("checkins/leases/<int:pk>/record/", checkins.checkin_record, name="checkin-record"),
]
