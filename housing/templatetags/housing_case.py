"""The housing section of the case page (the waiting list, proposals, check-ins)."""

from django import template
from django.db.models import Case, When
from django.utils import timezone

from housing.models import ApplicationStatus, HousingApplication, Proposal
from kmb import access
from kmb.access import Can

register = template.Library()


@register.inclusion_tag("housing/_case_housing.html", takes_context=True)
def case_housing(context, case):
    """The household's housing application (the waiting one, else the latest) and its live
    proposals, for those who do matching (the KMB, and administrators reading). Two queries."""
    user = context["request"].user
    if not access.can(user, Can.VIEW_MATCHING):
        return {"shown": False}
    applications = access.applications_visible_to(
        user, HousingApplication.objects.filter(household_id=case.household_id)
    )
    waiting_first = Case(When(status=ApplicationStatus.WAITING, then=0), default=1)
    application = applications.order_by(waiting_first, "-submitted_on", "-pk").first()
    proposals = []
    if application is not None:
        proposals = list(
            Proposal.objects.live()
            .filter(application=application)
            .select_related("flat__municipality")
            .order_by("-status_changed_at")
        )
    return {
        "shown": True,
        "case": case,
        "application": application,
        "proposals": proposals,
        "may_change": case.is_open and access.may_change_case_file(user, case.household),
        "today": timezone.localdate(),
    }
