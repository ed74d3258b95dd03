"""The support network of the KMB Testov: its ORP's municipalities, the provider the staff's
provider user works for (with a §43 service), another provider, and an active case that has
consented to share with the first."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import CaseFactory, ConsentFactory
from tests.factories.providers import ProviderFactory, ServiceFactory

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def czech_plural(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("cs"):
        text = ngettext(singular, plural, count)
    return text % values if values else text


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def lhota(kmb_office):
    return MunicipalityFactory(name="Lhota u Testova", orp=kmb_office.orp)


@pytest.fixture
def provider_user(staff):
    return staff[Role.PROVIDER_STAFF]


@pytest.fixture
def provider(provider_user):
    organisation = provider_user.organisation
    organisation.name = "Naděje Testov, z. s."
    organisation.save()
    return ProviderFactory(organisation=organisation, contact_person="Ivana Terénní")


@pytest.fixture
def service(provider, testov):
    return ServiceFactory(
        provider=provider,
        name="Podpora bydlení Testov",
        capacity=5,
        free_places=2,
        municipalities=[testov],
    )


@pytest.fixture
def other_provider(db):
    organisation = OrganisationFactory(provider=True, name="Jiná pomoc, o. p. s.")
    return ProviderFactory(organisation=organisation)


@pytest.fixture
def other_service(other_provider, testov):
    return ServiceFactory(
        provider=other_provider,
        name="Dluhová poradna Jiná",
        kind="debt_counselling",
        capacity=3,
        free_places=1,
        municipalities=[testov],
    )


@pytest.fixture
def other_provider_user(other_provider):
    return UserFactory(
        username="jiny-poskytovatel", provider_staff=True, organisation=other_provider.organisation
    )


@pytest.fixture
def case(kmb_office, social_worker):
    return CaseFactory(
        household__kmb=kmb_office,
        status="active",
        case_manager=social_worker,
        applicant__first_name="Žofie",
        applicant__last_name="Zlatohlávková",
    )


@pytest.fixture
def consent(case, provider):
    return ConsentFactory(household=case.household, recipient=provider.organisation)
