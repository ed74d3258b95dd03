from django.urls import path

from housing import urls_checkins, urls_commission, urls_matching, urls_matching_config
from housing.views import flats, leases, owners, transfer

app_name = "housing"

urlpatterns = [
    path("flats/", flats.flat_list, name="flat-list"),
    path("flats/summary/", flats.flat_summary, name="flat-summary"),
    path("flats/new/", flats.flat_create, name="flat-create"),
    path("flats/export/", transfer.flat_export, name="flat-export"),
    path("flats/import/", transfer.flat_import, name="flat-import"),
    path("flats/<int:pk>/", flats.flat_detail, name="flat-detail"),
    path("flats/<int:pk>/edit/", flats.flat_edit, name="flat-edit"),
    path("flats/<int:pk>/status/", flats.flat_status, name="flat-status"),
    path("flats/<int:pk>/photos/new/", flats.photo_create, name="photo-create"),
    path("photos/<int:pk>/", flats.photo, name="photo"),
    path("owners/", owners.owner_list, name="owner-list"),
    path("owners/new/", owners.owner_create, name="owner-create"),
    path("owners/<int:pk>/", owners.owner_detail, name="owner-detail"),
    path("owners/<int:pk>/edit/", owners.owner_edit, name="owner-edit"),
    path("realtors/", owners.realtor_list, name="realtor-list"),
    path("realtors/new/", owners.realtor_create, name="realtor-create"),
    path("realtors/<int:pk>/", owners.realtor_detail, name="realtor-detail"),
    path("realtors/<int:pk>/edit/", owners.realtor_edit, name="realtor-edit"),
    path("flats/<int:pk>/leases/new/", leases.lease_create, name="lease-create"),
    path("leases/<int:pk>/", leases.lease_detail, name="lease-detail"),
    path("leases/<int:pk>/edit/", leases.lease_edit, name="lease-edit"),
    path("leases/<int:pk>/extend/", leases.lease_extend, name="lease-extend"),
    path("leases/<int:pk>/end/", leases.lease_end, name="lease-end"),
    path("leases/<int:pk>/convert/", leases.lease_convert, name="lease-convert"),
    path("leases/<int:pk>/events/new/", leases.event_create, name="event-create"),
]

urlpatterns += urls_checkins.urlpatterns + urls_matching.urlpatterns + urls_commission.urlpatterns
urlpatterns += urls_matching_config.urlpatterns
