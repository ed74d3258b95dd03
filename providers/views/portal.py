"""The provider's portal: the households referred to the organisation under a valid consent."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kmb import access
from kmb.access import Can
from providers.forms import FreePlacesForm
from providers.models import (
    AssistancePlan,
    PlanStatus,
    ReferralState,
    Service,
    ServiceReferral,
    SupportVisit,
)
from providers.views.common import visible_plans, visible_referrals, with_applicant


@dataclass
class Household:
    """A row of the portal: one household, its open referrals and current plan."""

    name: str
    case: object
    referrals: list = field(default_factory=list)
    plan: AssistancePlan | None = None


@require_GET
@access.require(Can.SUPPORT_HOUSEHOLDS)
def portal(request):
    user = request.user
    referrals = list(
        with_applicant(visible_referrals(user, ServiceReferral.objects.open()))
        .select_related("service", "case")
        .order_by("sent_on", "pk")
    )
    last_report = SupportVisit.objects.filter(
        plan=OuterRef("pk"), organisation=user.organisation_id
    ).order_by("-date")
    plans = list(
        with_applicant(
            visible_plans(
                user,
                AssistancePlan.objects.filter(status__in=[PlanStatus.ACTIVE, PlanStatus.PAUSED]),
            )
        )
        .select_related("case", "case_manager")
        .annotate(last_report_on=Subquery(last_report.values("date")[:1]))
        .order_by("next_review_on", "pk")
    )
    own_services = list(
        Service.objects.filter(provider__organisation=user.organisation_id, is_active=True)
        .select_related("provider")
        .order_by("name", "pk")
    )
    context = {
        "to_answer": [r for r in referrals if r.state == ReferralState.SENT],
        "households": _households(referrals, plans),
        "services": [(service, FreePlacesForm(instance=service)) for service in own_services],
    }
    return render(request, "providers/portal.html", context)


def _households(referrals, plans) -> list[Household]:
    """Households being supported: an accepted or started referral, or a current plan."""
    rows: dict[int, Household] = {}
    for referral in referrals:
        if referral.state == ReferralState.SENT:
            continue
        row = rows.setdefault(referral.household_id, _row(referral))
        row.referrals.append(referral)
    for plan in plans:
        rows.setdefault(plan.household_id, _row(plan)).plan = plan
    return sorted(rows.values(), key=lambda row: (row.name, row.case.pk))


def _row(record) -> Household:
    return Household(
        name=f"{record.applicant_first_name} {record.applicant_last_name}", case=record.case
    )
