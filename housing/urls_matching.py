"""URLs of the matching pages and the waiting list (part of the housing namespace, see
housing/urls.py)."""

from django.urls import path

from housing.views import applications, matching

urlpatterns = [
    path("matching/", matching.matching_overview, name="matching-overview"),
    path("matching/global/", matching.global_proposal, name="matching-global"),
    path("matching/flats/<int:pk>/", matching.flat_shortlist, name="matching-flat"),
    path("matching/flats/<int:pk>/propose/", matching.flat_propose, name="matching-propose"),
    path(
        "matching/applications/<int:pk>/",
        matching.application_flats,
        name="matching-application",
    ),
    path(
        "matching/applications/<int:pk>/flats/<int:flat>/",
        matching.pair,
        name="matching-pair",
    ),
    path("proposals/", matching.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", matching.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/reserve/", matching.proposal_reserve, name="proposal-reserve"),
    path("proposals/<int:pk>/decline/", matching.proposal_decline, name="proposal-decline"),
    path("proposals/<int:pk>/withdraw/", matching.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/review/", matching.proposal_review, name="proposal-review"),
    path("proposals/<int:pk>/lease/", matching.proposal_lease, name="proposal-lease"),
    path("applications/", applications.application_list, name="application-list"),
    path(
        "cases/<int:pk>/waiting-list/",
        applications.application_create,
        name="application-create",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/park/", applications.application_park, name="application-park"),
    path(
        "applications/<int:pk>/unpark/",
        applications.application_unpark,
        name="application-unpark",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application-withdraw",
    ),
]
