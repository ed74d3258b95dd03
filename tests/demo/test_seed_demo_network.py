"""The demo's support network, follow-up, matching, commission and targets (demo.support,
demo.plans, demo.followup, demo.matching, demo.proposals, demo.commission, demo.reports): built
once, consistent with what the services record, and showing every page something to act on."""

import itertools
import json
from collections import Counter

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from housing import summaries
from housing.models import (
    HOLDING_STATUSES,
    AgendaItem,
    ApplicationStatus,
    CheckIn,
    CommissionSession,
    Decision,
    DeclineParty,
    DeclineReason,
    DeclineReview,
    FlatStatus,
    HousingApplication,
    Lease,
    MatchingSettings,
    MunicipalRules,
    Proposal,
    ProposalStatus,
    SessionStatus,
)
from housing.services.checkins import month_of, runs_in
from kmb.accounts.models import User
from kmb.notifications.models import Notification, NotificationKind
from kmb.territory.models import Municipality
from providers.alerts import AlertKind, plan_alerts
from providers.models import (
    PLACE_HOLDING_STATES,
    AssistancePlan,
    GoalState,
    PlanStatus,
    ReferralState,
    ReviewKind,
    Service,
    ServiceReferral,
    ServiceType,
    Step,
    SupportVisit,
)
from reports.models import ProjectPeriod
from reports.targets import TARGETABLE

APPS = {"accounts", "territory", "clients", "providers", "housing", "reports", "notifications"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS
    }


def test_seed_demo_builds_the_network_matching_and_commission_once(db, client):
    call_command("seed_demo", verbosity=0)
    first = row_counts()

    call_command("seed_demo", verbosity=0)

    assert row_counts() == first
    today = timezone.localdate()
    assert_referrals_have_consents_and_every_state()
    assert_services_cover_the_orp_unevenly()
    assert_plans_raise_every_alert(today)
    assert_check_ins_of_the_last_months(today)
    assert_waiting_list_and_rules(today)
    assert_proposals_follow_the_workflow(today)
    assert_commission_sessions(today)
    assert_targets_and_notifications()
    assert_demo_users_open_the_new_pages(client)


def assert_referrals_have_consents_and_every_state():
    referrals = ServiceReferral.objects.select_related(
        "consent", "service__provider", "household__kmb"
    ).prefetch_related("state_changes")
    assert set(referrals.values_list("state", flat=True)) == set(ReferralState.values)
    assert 55 <= referrals.values("household").distinct().count() <= 80
    for referral in referrals:
        consent = referral.consent
        assert consent.household_id == referral.household_id
        assert consent.recipient_id == referral.service.provider.organisation_id
        assert consent.is_valid(referral.sent_on)
        if referral.is_open:
            assert consent.is_valid()
        changes = list(referral.state_changes.all())
        assert (changes[0].from_state, changes[0].to_state) == ("", ReferralState.SENT)
        assert changes[-1].to_state == referral.state
        assert all(a.changed_at <= b.changed_at for a, b in itertools.pairwise(changes))
    ended = referrals.filter(state=ReferralState.ENDED)
    assert not ended.filter(ended_on__isnull=True).exists()
    assert not ended.filter(end_reason="").exists()


def assert_services_cover_the_orp_unevenly():
    services = Service.objects.prefetch_related("municipalities", "referrals")
    assert 20 <= services.count() <= 24
    assert services.values("provider").distinct().count() == 9
    for service in services:
        held = sum(r.state in PLACE_HOLDING_STATES for r in service.referrals.all())
        assert service.free_places + held <= service.capacity, service
    assert services.filter(free_places=0).count() >= 3
    independent_living = Municipality.objects.filter(
        services__kind=ServiceType.INDEPENDENT_LIVING
    ).distinct()
    orp = Municipality.objects.filter(orp__name="Liberec")
    assert {"Liberec", "Chrastava", "Český Dub"} <= set(
        independent_living.values_list("name", flat=True)
    )
    missing = set(orp.values_list("name", flat=True)) - set(
        independent_living.values_list("name", flat=True)
    )
    assert {"Cetenov", "Hlavice", "Janův Důl"} <= missing


def assert_plans_raise_every_alert(today):
    plans = AssistancePlan.objects.select_related("case_manager", "provider__organisation")
    assert 35 <= plans.count() <= 50
    assert set(plans.values_list("status", flat=True)) == set(PlanStatus.values)
    assert plans.filter(provider__isnull=True).exists()  # the KMB alone
    alerts = plan_alerts(AssistancePlan.objects.all(), today)
    kinds = Counter(alert.kind for alert in alerts)
    assert set(kinds) == set(AlertKind)
    assert kinds[AlertKind.BELOW_INTENSITY] >= 3
    own = [alert for alert in alerts if alert.plan.case_manager.username == "socialni"]
    assert {AlertKind.COOPERATION_ENDED, AlertKind.BELOW_INTENSITY} <= {a.kind for a in own}
    ended = plans.get(status=PlanStatus.ENDED, ended_by="provider")
    assert (today - ended.ended_on).days <= 7
    assert ended.end_reason
    assert ended.end_note
    assert not ended.referral.is_open
    assert Step.objects.filter(done_on__isnull=True, due_on__lt=today).exists()
    assert Step.objects.filter(done_on__isnull=False).exists()
    assert set(plans.values_list("goals__state", flat=True)) >= {
        GoalState.MET,
        GoalState.IN_PROGRESS,
        GoalState.OPEN,
    }
    assert plans.filter(reviews__kind=ReviewKind.TRIPARTITE).exists()
    for visit in SupportVisit.objects.select_related("plan", "by"):
        plan = visit.plan
        assert visit.organisation_id == plan.provider.organisation_id
        assert visit.by.organisation_id == visit.organisation_id
        assert plan.starts_on <= visit.date <= (plan.ended_on or today)


def assert_check_ins_of_the_last_months(today):
    this_month = month_of(today)
    running = [lease for lease in Lease.objects.all() if runs_in(lease, this_month)]
    done = CheckIn.objects.filter(month=this_month).count()
    assert 0.3 * len(running) <= done <= 0.75 * len(running)
    last_month = month_of(this_month - timezone.timedelta(days=1))
    assert CheckIn.objects.filter(month=last_month).count() >= 25
    problems = CheckIn.objects.filter(month=this_month, result__in=["problems", "needs_visit"])
    assert problems.count() == 2
    assert not CheckIn.objects.filter(done_on__gt=today).exists()


def assert_waiting_list_and_rules(today):
    kmb = User.objects.get(username="socialni").organisation
    assert MatchingSettings.objects.filter(kmb=kmb).exists()
    liberec = MunicipalRules.objects.get(municipality__name="Liberec")
    assert liberec.max_municipal_debt == 10_000
    assert liberec.require_residence
    assert liberec.require_valid_id
    chrastava = MunicipalRules.objects.get(municipality__name="Chrastava")
    assert chrastava.support_required_programs == ["social"]
    reasons = DeclineReason.objects.filter(kmb=kmb)
    assert reasons.count() >= 8
    assert set(reasons.values_list("party", flat=True)) == set(DeclineParty.values)
    applications = HousingApplication.objects.of_kmb(kmb.pk)
    waiting = applications.filter(status=ApplicationStatus.WAITING)
    assert 75 <= waiting.count() <= 90
    parked = applications.parked()
    assert parked.count() >= 3
    assert not parked.filter(park_reason="").exists()
    assert waiting.filter(emergency=True).exists()
    assert waiting.filter(vulnerable=True).exists()
    assert set(applications.values_list("status", flat=True)) == set(ApplicationStatus.values)
    recommended = applications.exclude(recommendation="")
    assert 15 <= recommended.count() <= 25
    for application in recommended:
        loaded = summaries.load_application(application.pk)
        assert summaries.identifiers_of(loaded).check(application.recommendation_text)


def assert_proposals_follow_the_workflow(today):
    proposals = Proposal.objects.select_related("flat", "lease", "application").prefetch_related(
        "events"
    )
    assert set(proposals.values_list("status", flat=True)) == set(ProposalStatus.values)
    declined = proposals.filter(status=ProposalStatus.DECLINED)
    assert set(declined.values_list("declined_by", flat=True)) == set(DeclineParty.values)
    pending = declined.filter(declined_after_acceptance=True, decline_review=DeclineReview.PENDING)
    assert pending.count() == 1
    assert set(declined.values_list("decline_review", flat=True)) == set(DeclineReview.values)
    assert Proposal.objects.stalled(days=7).count() > Proposal.objects.stalled(days=14).count() > 0
    for proposal in proposals:
        events = list(proposal.events.all())
        assert (events[0].from_status, events[0].to_status) == ("", ProposalStatus.PROPOSED)
        assert events[-1].to_status == proposal.status
        assert all(rule["passed"] for rule in proposal.snapshot["rules"])
        if proposal.status in HOLDING_STATUSES:
            assert proposal.flat.status == FlatStatus.RESERVED
        if proposal.status == ProposalStatus.LEASED:
            assert proposal.lease.flat_id == proposal.flat_id
            assert proposal.lease.household_id == proposal.application.household_id
            assert proposal.application.status == ApplicationStatus.HOUSED
    assert Notification.objects.filter(
        recipient__username="socialni", kind=NotificationKind.PROPOSAL_DECLINED, read_at=None
    ).exists()


def assert_commission_sessions(today):
    closed = CommissionSession.objects.get(status=SessionStatus.CLOSED)
    planned = CommissionSession.objects.get(status=SessionStatus.PLANNED)
    assert closed.held_on < today - timezone.timedelta(days=14)
    assert today < planned.held_on <= today + timezone.timedelta(days=14)
    decisions = set(closed.items.values_list("decision", flat=True))
    assert decisions == set(Decision.values)
    assert not planned.items.exclude(decision="").exists()
    assert planned.items.count() >= 2
    for item in AgendaItem.objects.select_related("proposal__application__household"):
        text = json.dumps(item.summary, ensure_ascii=False)
        assert item.summary["household"]["code"] == item.proposal.application.pseudonym
        for member in item.proposal.application.household.members.all():
            assert member.last_name not in text
            assert member.birth_date.isoformat() not in text
    for item in planned.items.select_related("proposal"):
        assert item.proposal.status == ProposalStatus.RESERVED


def assert_targets_and_notifications():
    period = ProjectPeriod.objects.get()
    targets = dict(period.targets.values_list("indicator", "target"))
    assert targets["persons_housed:housing_first"] == 15
    assert targets["persons_registered"] == 400
    assert set(targets) <= set(TARGETABLE)
    assert len(targets) == 6
    unread = Notification.objects.filter(recipient__username="socialni", read_at=None)
    assert {NotificationKind.COOPERATION_ENDED, NotificationKind.CHECK_IN_PROBLEM} <= set(
        unread.values_list("kind", flat=True)
    )


def assert_demo_users_open_the_new_pages(client):
    plan = AssistancePlan.objects.filter(provider__organisation__name__startswith="Domov").first()
    session = CommissionSession.objects.get(status=SessionStatus.PLANNED)
    pages = {
        "socialni": [
            reverse("providers:provider-list"),
            reverse("providers:coverage"),
            reverse("providers:plan-detail", args=[plan.pk]),
            reverse("housing:checkin-list"),
            reverse("notifications:list"),
        ],
        "poskytovatel": [reverse("providers:portal")],
        "bytovy": [reverse("housing:session-list"), session.get_absolute_url()],
    }
    for username, urls in pages.items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
