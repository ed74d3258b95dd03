"""Builders of the demo KMB, one per area, each idempotent (natural keys, get-or-create).

Later areas add their builder here and to the seed_demo command, after the ones they build on.
"""

from dataclasses import dataclass

from demo import liberec
from kmb.accounts.models import Organisation, Role, User
from kmb.territory.models import Municipality, Orp
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)

DEMO_PASSWORD = "kmb-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: Role
    organisation: str


KMB_NAME = "KMB Liberec"
HOUSING_DEPARTMENT_NAME = "Statutární město Liberec – odbor správy bytů"
PROVIDER_NAME = "Domov pod Ještědem, z. ú."
SECOND_PROVIDER_NAME = "Poradna Nisa, z. s."
ADMINISTRATION_NAME = "Správa systému KMB"

DEMO_LOGINS = [
    DemoLogin("socialni", "Jana", "Dvořáková", Role.SOCIAL_WORKER, KMB_NAME),
    DemoLogin("vedouci", "Petr", "Novotný", Role.MANAGER, KMB_NAME),
    DemoLogin("bytovy", "Martina", "Kučerová", Role.HOUSING_DEPARTMENT, HOUSING_DEPARTMENT_NAME),
    DemoLogin("poskytovatel", "Tomáš", "Procházka", Role.PROVIDER_STAFF, PROVIDER_NAME),
    DemoLogin("spravce", "Eva", "Marková", Role.ADMINISTRATOR, ADMINISTRATION_NAME),
]

# More case managers, so that caseloads can be shared out.
MORE_SOCIAL_WORKERS = [
    ("hana.svobodova", "Hana", "Svobodová"),
    ("lukas.cerny", "Lukáš", "Černý"),
    ("katerina.vesela", "Kateřina", "Veselá"),
    ("michal.horak", "Michal", "Horák"),
]


def build_territory() -> Orp:
    orp = OrpFactory(name=liberec.ORP_NAME)
    for name, population in liberec.MUNICIPALITIES:
        MunicipalityFactory(
            orp=orp, name=name, population=population, code=liberec.CSU_CODES.get(name, "")
        )
    return orp


def build_organisations(orp: Orp) -> dict[str, Organisation]:
    town = Municipality.objects.get(orp=orp, name="Liberec")
    chrastava = Municipality.objects.get(orp=orp, name="Chrastava")
    organisations = [
        OrganisationFactory(
            name=KMB_NAME,
            kind=Organisation.Kind.KMB,
            orp=orp,
            email="kmb@example.liberec.cz",
            phone="+420 485 243 111",
            address="nám. Dr. E. Beneše 1/1, 460 01 Liberec",
        ),
        OrganisationFactory(
            name=HOUSING_DEPARTMENT_NAME,
            kind=Organisation.Kind.MUNICIPALITY,
            orp=None,
            municipality=town,
            ico="00262978",
            email="byty@example.liberec.cz",
        ),
        OrganisationFactory(
            name="Město Chrastava – bytové oddělení",
            kind=Organisation.Kind.MUNICIPALITY,
            orp=None,
            municipality=chrastava,
        ),
        OrganisationFactory(
            name=PROVIDER_NAME,
            kind=Organisation.Kind.PROVIDER,
            orp=None,
            email="info@example-domovpodjestedem.cz",
        ),
        OrganisationFactory(
            name=SECOND_PROVIDER_NAME,
            kind=Organisation.Kind.PROVIDER,
            orp=None,
            email="poradna@example-nisa.cz",
        ),
        OrganisationFactory(
            name=ADMINISTRATION_NAME, kind=Organisation.Kind.ADMINISTRATION, orp=None
        ),
    ]
    return {organisation.name: organisation for organisation in organisations}


def build_staff(organisations: dict[str, Organisation]) -> list[User]:
    staff = [
        UserFactory(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            role=login.role,
            organisation=organisations[login.organisation],
            password=DEMO_PASSWORD,
        )
        for login in DEMO_LOGINS
    ]
    staff += [
        UserFactory(
            username=username,
            first_name=first,
            last_name=last,
            role=Role.SOCIAL_WORKER,
            organisation=organisations[KMB_NAME],
            password=DEMO_PASSWORD,
        )
        for username, first, last in MORE_SOCIAL_WORKERS
    ]
    return staff


def build_foundation() -> None:
    orp = build_territory()
    build_staff(build_organisations(orp))
