"""What the home page shows each role: their worklists first, then the overview of their office.

Each area keeps its worklist queries on its own QuerySets; this module only puts them together.
"""

import datetime

from django.db.models import Count, F
from django.utils import timezone

from clients.models import Case, CaseStatus, Consent, Household, RegisterRecord
from clients.models.cases import latest_case_id
from clients.models.people import applicant_field
from housing.models import Flat, Lease
from housing.services.checkins import due_count, month_of
from kmb import access
from kmb.access import Can
from kmb.accounts.models import Organisation, Role, User
from providers.alerts import plan_alerts
from providers.models import AssistancePlan, ReferralState, ServiceReferral

WORKLIST_LENGTH = 8


def home_context(user, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
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
    if access.can(user, Can.EDIT_CASES):
        context["worklists"] = casework_worklists(user)
        context["follow_up"] = follow_up(user, today)
    if access.can(user, Can.SUPPORT_HOUSEHOLDS):
        context["provider_work"] = provider_work(user, today)
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


def casework_worklists(user) -> dict:
    """The social worker's and manager's lists of what needs doing."""
    cases = access.cases_visible_to(user, Case.objects.for_list())
    households = access.households_visible_to(user, Household.objects.all())
    if not access.can(user, Can.ASSIGN_CASES):
        # A social worker watches the households of their own cases; the manager, the whole KMB.
        households = households.filter(cases__case_manager=user).distinct()
    mine = cases.open().managed_by(user)
    worklists = {
        "my_cases": _first(mine.order_by("applicant_last_name")),
        "my_case_count": mine.count(),
        "no_contact": _first(
            mine.needing_contact().order_by(F("last_contact_on").asc(nulls_first=True))
        ),
        "expiring_consents": _first(
            Consent.objects.expiring()
            .filter(household__in=households)
            .select_related("recipient", "given_by")
            .annotate(case_id=latest_case_id())
            .order_by("expires_on")
        ),
        "expiring_register": RegisterRecord.objects.expiring()
        .filter(household__in=households)
        .count(),
    }
    if access.can(user, Can.ASSIGN_CASES):
        worklists["unassigned"] = _first(cases.without_case_manager().order_by("opened_on"))
        worklists["unassigned_status"] = CaseStatus.NEW
    return worklists


def follow_up(user, today: datetime.date) -> dict:
    """The KMB's follow-up of housed households: this month's check-ins still to make, and the
    alerts of the assistance plans (a social worker's own cases first, then the KMB's)."""
    households = access.households_visible_to(user, Household.objects.all())
    leases = access.leases_visible_to(
        user, Lease.objects.filter(household__in=households), Flat.objects.all()
    )
    alerts = plan_alerts(_plans_of(user), today)
    if not access.can(user, Can.ASSIGN_CASES):
        alerts.sort(key=lambda alert: alert.plan.case_manager_id != user.pk)
    return {
        "month": month_of(today),
        "checkins_due": due_count(leases, month=month_of(today), today=today),
        "alerts": alerts[:WORKLIST_LENGTH],
        "alert_count": len(alerts),
    }


def provider_work(user, today: datetime.date) -> dict:
    """A provider's referrals waiting for an answer, and the alerts of its plans."""
    referrals = access.referrals_visible_to(
        user, ServiceReferral.objects.all(), Household.objects.all()
    )
    waiting = (
        referrals.filter(state=ReferralState.SENT)
        .select_related("service")
        .annotate(
            applicant_first_name=applicant_field("first_name"),
            applicant_last_name=applicant_field("last_name"),
        )
        .order_by("sent_on", "pk")
    )
    alerts = plan_alerts(_plans_of(user), today)
    return {
        "waiting_referrals": _first(waiting),
        "alerts": alerts[:WORKLIST_LENGTH],
        "alert_count": len(alerts),
    }


def _plans_of(user):
    plans = AssistancePlan.objects.select_related("case_manager")
    return access.plans_visible_to(user, plans, Household.objects.all())


def _first(queryset) -> list:
    return list(queryset[:WORKLIST_LENGTH])


def _labelled_counts(rows, choices) -> list[tuple[str, int]]:
    counts = dict(rows.order_by())
    return [(choice.label, counts.get(choice.value, 0)) for choice in choices]
