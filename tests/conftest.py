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
    """One user in each role; the KMB roles work for the same KMB office. Their names are fixed
    (and unlike any generated client's), so no test meets a person's name by chance."""
    return {
        Role.SOCIAL_WORKER: UserFactory(
            username="socialni",
            first_name="Alžběta",
            last_name="Sociální",
            organisation=kmb_office,
        ),
        Role.MANAGER: UserFactory(
            username="vedouci",
            first_name="Ctibor",
            last_name="Vedoucí",
            manager=True,
            organisation=kmb_office,
        ),
        Role.HOUSING_DEPARTMENT: UserFactory(
            username="bytovy", first_name="Bára", last_name="Úřednice", housing_department=True
        ),
        Role.PROVIDER_STAFF: UserFactory(
            username="poskytovatel",
            first_name="Petr",
            last_name="Poskytovatel",
            provider_staff=True,
        ),
        Role.ADMINISTRATOR: UserFactory(
            username="spravce", first_name="Eva", last_name="Správcová", administrator=True
        ),
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
