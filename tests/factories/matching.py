import factory
from django.utils import timezone

from housing.models import (
    DeclineParty,
    DeclineReason,
    HousingApplication,
    MatchingSettings,
    MunicipalRules,
    Proposal,
    ProposalStatus,
)
from kmb.redaction.figures import new_pseudonym
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import CaseFactory
from tests.factories.housing import FlatFactory


class HousingApplicationFactory(factory.django.DjangoModelFactory):
    """A household on the waiting list since today, applying for any program."""

    class Meta:
        model = HousingApplication

    case = factory.SubFactory(CaseFactory, active=True)
    household = factory.SelfAttribute("case.household")
    pseudonym = factory.LazyFunction(new_pseudonym)

    class Params:
        parked = factory.Trait(
            parked_until=factory.LazyFunction(
                lambda: timezone.localdate() + timezone.timedelta(days=30)
            ),
            park_reason="V nemocnici",
        )


class MatchingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingSettings
        django_get_or_create = ("kmb",)

    kmb = factory.SubFactory(OrganisationFactory)


class MunicipalRulesFactory(factory.django.DjangoModelFactory):
    """Rules that require nothing; set the fields a test needs."""

    class Meta:
        model = MunicipalRules
        django_get_or_create = ("municipality",)

    municipality = factory.SubFactory(MunicipalityFactory)


class DeclineReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclineReason
        django_get_or_create = ("kmb", "party", "text")

    kmb = factory.SubFactory(OrganisationFactory)
    party = DeclineParty.HOUSEHOLD
    text = factory.Sequence(lambda n: f"Byt je daleko od školy dětí ({n})")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A fresh proposal of a flat to a waiting household; no events (the services write those)."""

    class Meta:
        model = Proposal

    application = factory.SubFactory(HousingApplicationFactory)
    flat = factory.SubFactory(FlatFactory)
    score = 10
    snapshot = factory.LazyFunction(
        lambda: {"taken_on": timezone.localdate().isoformat(), "score": 10.0, "rules": []}
    )
    proposed_by = factory.SubFactory(UserFactory)
    status = ProposalStatus.PROPOSED
