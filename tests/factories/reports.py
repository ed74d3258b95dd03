"""Factories the reporting tests need beyond the apps' own (move LeaseExtensionFactory to
tests/factories/housing.py when that module gains one)."""

import datetime

import factory

from housing.models import LeaseExtension
from tests.factories.accounts import UserFactory
from tests.factories.housing import LeaseFactory


class LeaseExtensionFactory(factory.django.DjangoModelFactory):
    """An extension of a lease by a year, agreed today."""

    class Meta:
        model = LeaseExtension

    lease = factory.SubFactory(LeaseFactory)
    previous_end_on = factory.SelfAttribute("lease.end_on")
    new_end_on = factory.LazyAttribute(
        lambda extension: (
            (extension.lease.end_on or extension.lease.start_on) + datetime.timedelta(days=365)
        )
    )
    by = factory.SubFactory(UserFactory)
