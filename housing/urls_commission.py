"""URLs of the commission pages (part of the housing namespace, see housing/urls.py)."""

from django.urls import path

from housing.views import commission

urlpatterns = [
    path("commission/", commission.session_list, name="session-list"),
    path("commission/new/", commission.session_create, name="session-create"),
    path("commission/<int:pk>/", commission.session_detail, name="session-detail"),
    path("commission/<int:pk>/edit/", commission.session_edit, name="session-edit"),
    path("commission/<int:pk>/close/", commission.session_close, name="session-close"),
    path("commission/<int:pk>/minutes/", commission.session_minutes, name="session-minutes"),
    path("commission/<int:pk>/items/new/", commission.item_add, name="agenda-item-add"),
    path("commission/items/<int:pk>/", commission.item_detail, name="agenda-item-detail"),
    path("commission/items/<int:pk>/decide/", commission.item_decide, name="agenda-item-decide"),
    path("commission/items/<int:pk>/remove/", commission.item_remove, name="agenda-item-remove"),
    path(
        "commission/proposals/<int:pk>/summary/",
        commission.proposal_summary,
        name="proposal-summary",
    ),
    path(
        "applications/<int:pk>/recommendation/",
        commission.application_recommendation,
        name="application-recommendation",
    ),
]
