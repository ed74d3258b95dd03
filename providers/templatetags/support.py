"""The support section of the case page (referrals, the assistance plan)."""

from django import template
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from clients.models import Household
from kmb import access
from providers.models import (
    AssistancePlan,
    GoalState,
    PlanStatus,
    ServiceReferral,
    SupportVisit,
)

register = template.Library()

# The consent scope that opens this section to a provider ("Assistance plan and its progress").
SECTION = "support"


@register.inclusion_tag("providers/_case_support.html", takes_context=True)
def case_support(context, case):
    """The household's referrals and assistance plans, as far as the user may see them: all of
    them for the KMB; for a provider, its own, and only under a consent that covers support.
    Two queries."""
    user = context["request"].user
    household = case.household
    sections = context.get("sections")
    if sections is None:
        sections = access.case_file_sections(user, household)
    if SECTION not in sections:
        return {"shown": False}
    households = Household.objects.all()
    referrals = access.referrals_visible_to(
        user,
        ServiceReferral.objects.filter(household=household).select_related(
            "service__provider__organisation"
        ),
        households,
    )
    last_visit = SupportVisit.objects.filter(plan=OuterRef("pk")).order_by("-date")
    plans = list(
        access.plans_visible_to(
            user,
            AssistancePlan.objects.filter(household=household)
            .select_related("household", "provider__organisation", "case_manager")
            .annotate(
                goals_total=Count("goals"),
                goals_met=Count("goals", filter=Q(goals__state=GoalState.MET)),
                last_visit_on=Subquery(last_visit.values("date")[:1]),
            )
            .order_by("-starts_on", "-pk"),
            households,
        )
    )
    current = next((plan for plan in plans if plan.status != PlanStatus.ENDED), None)
    may_change = access.may_change_case_file(user, household)
    return {
        "shown": True,
        "case": case,
        "referrals": [
            (referral, access.may_answer_referral(user, referral)) for referral in referrals
        ],
        "plan": current,
        "earlier_plans": [plan for plan in plans if plan is not current],
        "may_change": may_change,
        "may_report": current is not None and access.may_report_on_plan(user, current),
        "review_overdue": current is not None
        and current.status == PlanStatus.ACTIVE
        and current.next_review_on < timezone.localdate(),
    }
