"""What the home page shows each role. Later areas add their worklists here."""

from django.db.models import Count

from kmb import access
from kmb.access import Can
from kmb.accounts.models import Organisation, Role, User


def home_context(user) -> dict:
    organisation = user.organisation
    context = {
        "organisation": organisation,
        "shortcuts": [item for item in access.navigation_for(user) if item.url_name != "home"],
        "role_description": access.ROLE_DESCRIPTIONS.get(user.role, ""),
    }
    if organisation and organisation.orp_id:
        context["municipalities"] = list(organisation.orp.municipalities.all())
    if organisation:
        context["colleague_count"] = User.objects.filter(
            organisation=organisation, is_active=True
        ).count()
    if access.can(user, Can.VIEW_AUDIT):
        context["recent_reads"] = access.access_log_visible_to(user)[:5]
    if access.is_administrator(user):
        context["organisations_by_kind"] = _labelled_counts(
            Organisation.objects.values_list("kind").annotate(n=Count("pk")), Organisation.Kind
        )
        context["users_by_role"] = _labelled_counts(
            User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk")), Role
        )
    return context


def _labelled_counts(rows, choices) -> list[tuple[str, int]]:
    counts = dict(rows.order_by())
    return [(choice.label, counts.get(choice.value, 0)) for choice in choices]
