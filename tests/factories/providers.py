import datetime

import factory
from django.utils import timezone

from providers.models import (
    AssistancePlan,
    Goal,
    GoalArea,
    PlanReview,
    Provider,
    ReferralState,
    ReviewKind,
    Service,
    ServiceReferral,
    ServiceType,
    Step,
    StepOwner,
    SupportVisit,
    VisitKind,
)
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.clients import CaseFactory, ConsentFactory


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory, provider=True)


class ServiceFactory(factory.django.DjangoModelFactory):
    """A §43 service for 10 households with 3 free places; pass municipalities=[...]."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    kind = ServiceType.INDEPENDENT_LIVING
    name = factory.Sequence(lambda n: f"Podpora samostatného bydlení {n}")
    capacity = 10
    free_places = 3

    @factory.post_generation
    def municipalities(service, create, extracted, **kwargs):
        if create and extracted:
            service.municipalities.set(extracted)


class ServiceReferralFactory(factory.django.DjangoModelFactory):
    """A sent referral of a case's household, under a valid consent to the service's provider
    (given for the occasion unless `consent` is passed)."""

    class Meta:
        model = ServiceReferral

    case = factory.SubFactory(CaseFactory)
    household = factory.SelfAttribute("case.household")
    service = factory.SubFactory(ServiceFactory)
    consent = factory.LazyAttribute(
        lambda referral: ConsentFactory(
            household=referral.household, recipient=referral.service.provider.organisation
        )
    )
    reason = "Pomoc se zabydlením a s rozpočtem."
    sent_by = factory.SubFactory(UserFactory)

    class Params:
        accepted = factory.Trait(state=ReferralState.ACCEPTED)
        started = factory.Trait(state=ReferralState.STARTED)


class AssistancePlanFactory(factory.django.DjangoModelFactory):
    """An active plan agreed today, reviewed in three months, without a provider unless given."""

    class Meta:
        model = AssistancePlan

    case = factory.SubFactory(CaseFactory, active=True)
    household = factory.SelfAttribute("case.household")
    case_manager = factory.LazyAttribute(
        lambda plan: plan.case.case_manager or UserFactory(organisation=plan.case.kmb)
    )
    starts_on = factory.LazyFunction(timezone.localdate)
    next_review_on = factory.LazyAttribute(lambda plan: plan.starts_on + datetime.timedelta(90))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(AssistancePlanFactory)
    area = GoalArea.HOUSING
    description = factory.Sequence(lambda n: f"Platit nájem včas ({n})")


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    description = factory.Sequence(lambda n: f"Zřídit trvalý příkaz ({n})")
    who = StepOwner.CLIENT


class PlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(AssistancePlanFactory)
    kind = ReviewKind.REVIEW
    participants = factory.LazyFunction(lambda: ["client", "case_manager"])
    summary = "Plán pokračuje beze změn."
    next_review_on = factory.LazyAttribute(lambda review: review.held_on + datetime.timedelta(90))
    held_on = factory.LazyFunction(timezone.localdate)
    by = factory.SelfAttribute("plan.case_manager")


class SupportVisitFactory(factory.django.DjangoModelFactory):
    """An hour in the flat, logged by the plan's provider (or its KMB, without a provider)."""

    class Meta:
        model = SupportVisit

    plan = factory.SubFactory(AssistancePlanFactory)
    organisation = factory.LazyAttribute(
        lambda visit: (
            visit.plan.provider.organisation if visit.plan.provider_id else visit.plan.case.kmb
        )
    )
    date = factory.LazyFunction(timezone.localdate)
    minutes = 60
    kind = VisitKind.HOME_VISIT
    by = factory.LazyAttribute(lambda visit: UserFactory(organisation=visit.organisation))
