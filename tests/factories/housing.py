import datetime
from decimal import Decimal

import factory

from housing.models import (
    Disposition,
    Flat,
    FlatKind,
    Lease,
    Owner,
    OwnerKind,
    Program,
    Realtor,
)
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import HouseholdFactory


class OwnerFactory(factory.django.DjangoModelFactory):
    """A municipality as owner by default; trait `private` for a private person."""

    class Meta:
        model = Owner

    kind = OwnerKind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Obec vlastník {n}")

    class Params:
        private = factory.Trait(
            kind=OwnerKind.PRIVATE_PERSON,
            name=factory.Sequence(lambda n: f"Jan Pronajímatel {n}"),
        )


class RealtorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Realtor

    name = factory.Sequence(lambda n: f"Makléř {n}")


class FlatFactory(factory.django.DjangoModelFactory):
    """A free municipal 2+1 social flat at 6,000 CZK a month."""

    class Meta:
        model = Flat

    municipality = factory.SubFactory(MunicipalityFactory)
    street = factory.Sequence(lambda n: f"Ulice {n}")
    number = factory.Sequence(lambda n: f"{n + 1}")
    postcode = "460 01"
    disposition = Disposition.TWO_ONE
    rooms = 2
    area = Decimal("55.0")
    floor = 1
    rent = Decimal("6000.00")
    kind = FlatKind.MUNICIPAL
    program = Program.SOCIAL
    owner = factory.SubFactory(OwnerFactory)


class LeaseFactory(factory.django.DjangoModelFactory):
    """A running 12-month lease that started a month ago, at the flat's rent."""

    class Meta:
        model = Lease

    flat = factory.SubFactory(FlatFactory)
    household = factory.SubFactory(HouseholdFactory)
    start_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    end_on = factory.LazyAttribute(lambda lease: lease.start_on + datetime.timedelta(days=364))
    rent = factory.SelfAttribute("flat.rent")
