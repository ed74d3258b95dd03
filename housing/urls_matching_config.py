"""URLs of the matching configuration (weights and norms, allocation rules, decline reasons) and
of the pairing proposals (case managers, support services); part of the housing namespace, see
housing/urls.py."""

from django.urls import path

from housing.views import matching_config, pairing

urlpatterns = [
    path("matching/settings/", matching_config.settings_edit, name="matching-settings"),
    path("matching/rules/", matching_config.rules_list, name="matching-rules"),
    path("matching/rules/<int:pk>/", matching_config.rules_edit, name="matching-rules-edit"),
    path("matching/decline-reasons/", matching_config.reason_list, name="decline-reason-list"),
    path(
        "matching/decline-reasons/new/",
        matching_config.reason_create,
        name="decline-reason-create",
    ),
    path(
        "matching/decline-reasons/<int:pk>/edit/",
        matching_config.reason_edit,
        name="decline-reason-edit",
    ),
    path(
        "matching/decline-reasons/<int:pk>/retire/",
        matching_config.reason_retire,
        name="decline-reason-retire",
    ),
    path(
        "matching/decline-reasons/<int:pk>/restore/",
        matching_config.reason_restore,
        name="decline-reason-restore",
    ),
    path("pairing/case-managers/", pairing.case_managers, name="pairing-case-managers"),
    path(
        "pairing/case-managers/accept/",
        pairing.case_managers_accept,
        name="pairing-case-managers-accept",
    ),
    path("pairing/support/", pairing.support_overview, name="pairing-support"),
    path("cases/<int:pk>/support-services/", pairing.case_services, name="pairing-case-services"),
]
