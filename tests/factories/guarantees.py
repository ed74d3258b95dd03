import datetime
from decimal import Decimal

import factory

from guarantees.models import Claim, FundMovement, Guarantee, GuaranteeFund
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.housing import LeaseFactory


class GuaranteeFundFactory(factory.django.DjangoModelFactory):
    """A municipality's fund; pass orp= and municipality=None for an ORP's fund."""

    class Meta:
        model = GuaranteeFund

    name = factory.Sequence(lambda n: f"Garanční fond {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class FundMovementFactory(factory.django.DjangoModelFactory):
    """A contribution of 100,000 CZK."""

    class Meta:
        model = FundMovement

    fund = factory.SubFactory(GuaranteeFundFactory)
    kind = FundMovement.Kind.CONTRIBUTION
    amount = Decimal("100000.00")
    recorded_by = factory.SubFactory(UserFactory)


class GuaranteeFactory(factory.django.DjangoModelFactory):
    """A municipality's guarantee of 20,000 CZK over the whole lease (or a year when the lease is
    indefinite), paid from a fund of the flat's municipality."""

    class Meta:
        model = Guarantee

    lease = factory.SubFactory(LeaseFactory)
    fund = factory.SubFactory(
        GuaranteeFundFactory, municipality=factory.SelfAttribute("..lease.flat.municipality")
    )
    cap = Decimal("20000.00")
    valid_from = factory.SelfAttribute("lease.start_on")
    valid_until = factory.LazyAttribute(
        lambda g: g.lease.end_on or g.lease.start_on + datetime.timedelta(days=364)
    )


class ClaimFactory(factory.django.DjangoModelFactory):
    """A submitted claim for 5,000 CZK of rent arrears; traits for the later states."""

    class Meta:
        model = Claim

    guarantee = factory.SubFactory(GuaranteeFactory)
    kind = Claim.Kind.RENT_ARREARS
    amount_claimed = Decimal("5000.00")

    class Params:
        approved = factory.Trait(
            state=Claim.State.APPROVED, amount_approved=factory.SelfAttribute("amount_claimed")
        )
        rejected = factory.Trait(state=Claim.State.REJECTED)
