import pytest

from kmb.accounts.models import Role
from tests.factories.accounts import OrganisationFactory, OrpFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashing takes ~0.3 s a login by design; the tests need speed, not resistance.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def kmb_office(db):
    return OrganisationFactory(name="KMB Testov", orp=OrpFactory(name="Testov"))


@pytest.fixture
def other_kmb_office(db):
    return OrganisationFactory(name="KMB Jinde", orp=OrpFactory(name="Jinde"))


@pytest.fixture
def staff(kmb_office):
    """One user in each role; the KMB roles work for the same KMB office."""
    return {
        Role.SOCIAL_WORKER: UserFactory(username="socialni", organisation=kmb_office),
        Role.MANAGER: UserFactory(username="vedouci", manager=True, organisation=kmb_office),
        Role.HOUSING_DEPARTMENT: UserFactory(username="bytovy", housing_department=True),
        Role.PROVIDER_STAFF: UserFactory(username="poskytovatel", provider_staff=True),
        Role.ADMINISTRATOR: UserFactory(username="spravce", administrator=True),
    }


@pytest.fixture
def social_worker(staff):
    return staff[Role.SOCIAL_WORKER]


@pytest.fixture
def manager(staff):
    return staff[Role.MANAGER]


@pytest.fixture
def administrator(staff):
    return staff[Role.ADMINISTRATOR]
